package dev.joule.energy.meter;

import java.util.List;

/**
 * The meter that was opened, and what happened on the way (a fallback and why), for the one log
 * line (library) or summary line (CLI) that tells the user where the numbers come from.
 */
public record MeterSelection(EnergyMeter meter, List<String> notes) {
    public String summary() {
        return "energy meters: " + meter.describe() + (notes.isEmpty() ? "" : " [" + String.join("; ", notes) + "]");
    }
}
