package dev.joule.energy.meter.rapl;

import dev.joule.energy.EnergyException;
import java.nio.file.Path;

/** RAPL zones exist but their counters cannot be read: the usual root-only {@code energy_uj}. */
public final class RaplUnreadableException extends EnergyException {
    public RaplUnreadableException(Path file, Throwable cause) {
        super("RAPL counter " + file + " is not readable by this user (root-only since Linux 5.10, CVE-2020-8694); "
                + "fix: sudo chmod a+r /sys/class/powercap/intel-rapl*/energy_uj /sys/class/powercap/intel-rapl*/*/energy_uj "
                + "(until reboot) or a udev/sysfs.conf rule that sets mode 0444 on energy_uj", cause);
    }
}
