package dev.joule.train;

/** The training loss became NaN or infinite; the message gives the step and the learning rate. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
