package dev.joule.energy;

/**
 * Energy of one component, with where the number came from.
 *
 * @param joules total energy of the component
 * @param idleJoules the part of {@code joules} that the machine would have drawn idle (the static
 *     share), or NaN where the meter cannot split it (a counter knows only totals)
 * @param source the provenance label: {@code rapl-pkg}, {@code rapl-dram}, {@code rapl-psys},
 *     {@code nvml-energy}, {@code nvml-power-integrated}, {@code model-cpu-time}, {@code model-analytic}
 * @param estimate true when the number comes from a model rather than a hardware counter
 * @param uncertaintyFraction half-width of the uncertainty band as a fraction (0.4 means ±40 %)
 */
public record ComponentEnergy(Component component, double joules, double idleJoules, String source,
        boolean estimate, double uncertaintyFraction) {

    public double kilowattHours() {
        return EnergyUnits.joulesToKwh(joules);
    }

    public ComponentEnergy minus(ComponentEnergy start) {
        double idle = Double.isNaN(idleJoules) || Double.isNaN(start.idleJoules)
                ? Double.NaN : idleJoules - start.idleJoules;
        return new ComponentEnergy(component, joules - start.joules, idle, source, estimate, uncertaintyFraction);
    }

    public ComponentEnergy withJoules(double newJoules, double newIdleJoules) {
        return new ComponentEnergy(component, newJoules, newIdleJoules, source, estimate, uncertaintyFraction);
    }
}
