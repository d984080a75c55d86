package dev.joule.energy;

/** A failure of joule-energy whose message names the thing, what was expected and the fix. */
public class EnergyException extends RuntimeException {
    public EnergyException(String message) {
        super(message);
    }

    public EnergyException(String message, Throwable cause) {
        super(message, cause);
    }
}
