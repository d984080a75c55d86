package dev.joule.autograd;

import java.util.List;

/**
 * The ops of the recurrent model family (LSTM, GRU, minGRU, minLSTM), kept beside {@link Ops} in their own
 * facade. Shapes: {@code B} batch, {@code T} time, {@code D}/{@code H} width; time is axis 1.
 */
public final class RecurrentOps {
    private RecurrentOps() {}

    /**
     * {@code h_t = a_t ⊙ h_{t−1} + b_t} along axis 1 of {@code a, b [B, T, D]}, from {@code h0 [B, D]} (null: zeros);
     * returns every {@code h_t} as {@code [B, T, D]}. Backward is the reverse scan, no graph through time.
     */
    public static Var linearScan(Var a, Var b, Var h0) {
        return ScanOps.linearScan(a, b, h0);
    }

    /** LSTM gate activations {@code [σ(i), σ(f), tanh(g), σ(o)]} of {@code xProj[:, t] + hProj}, as {@code [B, 4H]}. */
    public static Var lstmGates(Var xProj, int t, Var hProj) {
        return CellOps.lstmGates(xProj, t, hProj);
    }

    /** LSTM cell state {@code c = f ⊙ cPrev + i ⊙ g} from activated gates {@code [B, 4H]}. */
    public static Var lstmCell(Var gates, Var cPrev) {
        return CellOps.lstmCell(gates, cPrev);
    }

    /** LSTM output {@code h = o ⊙ tanh(c)} from activated gates {@code [B, 4H]} and the new cell state. */
    public static Var lstmHidden(Var gates, Var cell) {
        return CellOps.lstmHidden(gates, cell);
    }

    /** One GRU step from {@code xProj [B, T, 3H]} at time t, {@code hProj = h·W_hhᵀ + b_hh [B, 3H]} and {@code hPrev [B, H]}. */
    public static Var gruCell(Var xProj, int t, Var hProj, Var hPrev) {
        return CellOps.gruCell(xProj, t, hProj, hPrev);
    }

    /** minGRU's positive activation {@code g(x) = x + ½ (x ≥ 0), σ(x) (x < 0)}. */
    public static Var positiveG(Var a) {
        return SequenceOps.positiveG(a);
    }

    /** Stacks T tensors {@code [B, D]} into {@code [B, T, D]}. */
    public static Var stackTime(List<Var> steps) {
        return SequenceOps.stackTime(steps);
    }
}
