package dev.joule.energy.carbon;

/**
 * IT energy, facility overhead and emissions, kept apart (CodeCarbon folds PUE into every component).
 *
 * @param itEnergyKwh what the meters measured
 * @param facilityEnergyKwh cooling and power distribution: IT × (PUE − 1)
 * @param emissionsKg kgCO2e of IT plus facility energy, less the renewable share
 */
public record CarbonAccount(double itEnergyKwh, double facilityEnergyKwh, double emissionsKg) {
    public double totalEnergyKwh() {
        return itEnergyKwh + facilityEnergyKwh;
    }
}
