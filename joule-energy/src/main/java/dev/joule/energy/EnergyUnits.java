package dev.joule.energy;

/** Unit conversions, so that no file carries its own 3.6e6. */
public final class EnergyUnits {
    public static final double JOULES_PER_KWH = 3.6e6;

    private EnergyUnits() {}

    public static double joulesToKwh(double joules) {
        return joules / JOULES_PER_KWH;
    }

    public static double kwhToJoules(double kwh) {
        return kwh * JOULES_PER_KWH;
    }

    public static double nanosToSeconds(long nanos) {
        return nanos / 1e9;
    }
}
