package dev.joule.energy;

/**
 * A part of the machine whose energy is reported on its own. {@link #PSYS} (the whole platform as
 * RAPL's psys domain sees it) already contains the CPU and DRAM, so it is reported apart and never
 * added to the IT total.
 */
public enum Component {
    CPU("cpu"),
    DRAM("ram"),
    GPU("gpu"),
    PSYS("psys");

    private final String column;

    Component(String column) {
        this.column = column;
    }

    /** The column prefix in records; {@code ram} for DRAM, to match CodeCarbon's emissions.csv. */
    public String column() {
        return column;
    }

    /** Whether this component counts towards the IT energy total. */
    public boolean summedIntoTotal() {
        return this != PSYS;
    }
}
