package dev.joule.energy.meter.cputime;

/**
 * The fields of {@code /proc/PID/stat} this meter needs, in clock ticks and pages.
 *
 * @param pid process id
 * @param parentPid parent process id
 * @param userTicks utime (field 14)
 * @param systemTicks stime (field 15)
 * @param childUserTicks cutime (field 16): reaped children only
 * @param childSystemTicks cstime (field 17)
 * @param residentPages rss (field 24)
 */
public record ProcStat(long pid, long parentPid, long userTicks, long systemTicks, long childUserTicks,
        long childSystemTicks, long residentPages) {

    /**
     * Parses one stat line. The command name (field 2) sits in parentheses and may itself contain
     * spaces and parentheses, so fields are counted from the last ')'.
     */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: '" + line + "'");
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] f = line.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3].
        if (f.length < 22) {
            throw new IllegalArgumentException("/proc/" + pid + "/stat has " + (f.length + 2) + " fields, expected at least 24");
        }
        return new ProcStat(pid, Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                Long.parseLong(f[13]), Long.parseLong(f[14]), Long.parseLong(f[21]));
    }

    public long ownTicks() {
        return userTicks + systemTicks;
    }

    public long reapedChildTicks() {
        return childUserTicks + childSystemTicks;
    }
}
