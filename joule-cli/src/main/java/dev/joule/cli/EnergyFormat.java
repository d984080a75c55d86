package dev.joule.cli;

import java.util.Locale;

/** Human units for energy, power and mass: every printed number carries its unit. */
final class EnergyFormat {
    private EnergyFormat() {}

    static String joules(double joules) {
        if (Double.isNaN(joules)) {
            return "n/a";
        }
        double a = Math.abs(joules);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3f MJ", joules / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.3f kJ", joules / 1e3);
        }
        if (a >= 1 || a == 0) {
            return String.format(Locale.ROOT, "%.3f J", joules);
        }
        return String.format(Locale.ROOT, "%.3f mJ", joules * 1e3);
    }

    static String kwh(double joules) {
        if (Double.isNaN(joules)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.3g kWh", joules / 3.6e6);
    }

    static String watts(double watts) {
        return Double.isNaN(watts) ? "n/a" : String.format(Locale.ROOT, "%.3f W", watts);
    }

    static String seconds(double seconds) {
        return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.3f s", seconds);
    }

    static String co2(double kilograms) {
        if (Double.isNaN(kilograms)) {
            return "n/a";
        }
        if (kilograms >= 1) {
            return String.format(Locale.ROOT, "%.3f kgCO2e", kilograms);
        }
        if (kilograms >= 1e-3) {
            return String.format(Locale.ROOT, "%.3f gCO2e", kilograms * 1e3);
        }
        return String.format(Locale.ROOT, "%.3f mgCO2e", kilograms * 1e6);
    }
}
