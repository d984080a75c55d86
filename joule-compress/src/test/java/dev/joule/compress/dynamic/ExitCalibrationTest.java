package dev.joule.compress.dynamic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitCalibrationTest {
    /**
     * Ten inputs, one exit. The full model is right on all of them. The exit is right on the six most
     * confident (0.99 .. 0.94), wrong at 0.93, right again at 0.92 .. 0.90.
     */
    private static ExitCalibration.Outputs tenInputs() {
        float[] conf = {0.99f, 0.98f, 0.97f, 0.96f, 0.95f, 0.94f, 0.93f, 0.92f, 0.91f, 0.90f};
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] exitPred = labels.clone();
        exitPred[6] = 0;
        return new ExitCalibration.Outputs(new float[][] {conf}, new int[][] {exitPred}, labels.clone(), labels);
    }

    @Test
    void zeroBudgetStopsAboveTheFirstMistake() {
        ExitCalibration.Result r = ExitCalibration.calibrate(tenInputs(), 0);
        assertArrayEquals(new float[] {0.94f}, r.thresholds());
        assertEquals(1.0, r.fullAccuracy());
        assertEquals(1.0, r.earlyAccuracy());
        assertArrayEquals(new double[] {0.6, 0.4}, r.exitFractions(), 1e-12);
    }

    @Test
    void aBudgetOfOneMistakeLetsEveryInputLeave() {
        // 10 points = one input of ten: the lowest candidate (0.90) loses exactly that one.
        ExitCalibration.Result r = ExitCalibration.calibrate(tenInputs(), 10);
        assertArrayEquals(new float[] {0.90f}, r.thresholds());
        assertEquals(0.9, r.earlyAccuracy(), 1e-12);
        assertArrayEquals(new double[] {1.0, 0.0}, r.exitFractions(), 1e-12);
    }

    @Test
    void aMistakeAtTheMostConfidentInputMeansNeverExit() {
        ExitCalibration.Outputs o = tenInputs();
        o.prediction()[0][0] = 5;
        ExitCalibration.Result r = ExitCalibration.calibrate(o, 0);
        assertArrayEquals(new float[] {EarlyExitModel.NEVER}, r.thresholds());
        assertArrayEquals(new double[] {0.0, 1.0}, r.exitFractions(), 1e-12);
    }

    @Test
    void withTwoExitsAnInputLeavesAtTheFirstConfidentOne() {
        float[][] conf = {{0.5f, 0.95f}, {0.97f, 0.93f}};
        int[][] pred = {{1, 1}, {0, 1}};
        ExitCalibration.Outputs o = new ExitCalibration.Outputs(conf, pred, new int[] {0, 1}, new int[] {0, 1});
        long[] left = new long[3];
        assertEquals(1.0, o.accuracyAt(0.96f, left));
        assertArrayEquals(new long[] {0, 1, 1}, left);
        assertEquals(1.0, o.accuracyAt(0.9f, left));
        assertArrayEquals(new long[] {1, 1, 0}, left);
        assertEquals(0.5, o.accuracyAt(0.4f, left));
        assertArrayEquals(new long[] {2, 0, 0}, left);
    }

    @Test
    void theSweepWalksDownTheThresholdsWithMoreInputsLeavingEarly() {
        java.util.List<ExitCalibration.SweepPoint> points = ExitCalibration.sweep(tenInputs());
        assertEquals(10, points.size());
        assertEquals(0.99f, points.get(0).threshold());
        assertArrayEquals(new double[] {0.1, 0.9}, points.get(0).exitFractions(), 1e-12);
        assertEquals(1.0, points.get(5).accuracy());
        assertEquals(0.9, points.get(6).accuracy(), 1e-12);
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i).exitFractions()[0] > points.get(i - 1).exitFractions()[0]);
        }
    }

    @Test
    void candidatesAreDistinctAndDescending() {
        float[] c = ExitCalibration.candidates(new float[][] {{0.5f, 0.9f, 0.9f, 1f}, {0.7f}});
        assertArrayEquals(new float[] {1f, 0.9f, 0.7f, 0.5f}, c);
        assertTrue(ExitCalibration.candidates(new float[][] {new float[5000]}).length <= 512);
    }
}
