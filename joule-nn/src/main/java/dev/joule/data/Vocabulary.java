package dev.joule.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The characters (Unicode code points) a corpus uses, sorted, so the same text always gives the
 * same ids. Stored in a checkpoint as the string of its characters ({@link #chars()}).
 */
public final class Vocabulary {
    private final int[] codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    private Vocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        for (int i = 0; i < codePoints.length; i++) {
            if (ids.put(codePoints[i], i) != null) {
                throw new IllegalArgumentException("vocabulary lists character " + describe(codePoints[i]) + " twice");
            }
        }
    }

    /** The sorted distinct characters of {@code text}. */
    public static Vocabulary of(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        return new Vocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The vocabulary whose characters, in id order, are {@code chars} (as saved by {@link #chars()}). */
    public static Vocabulary fromChars(String chars) {
        return new Vocabulary(chars.codePoints().toArray());
    }

    public int size() {
        return codePoints.length;
    }

    public String chars() {
        return new String(codePoints, 0, codePoints.length);
    }

    public boolean contains(int codePoint) {
        return ids.containsKey(codePoint);
    }

    public int[] encode(String text) {
        return text.codePoints().map(cp -> {
            Integer id = ids.get(cp);
            if (id == null) {
                throw new IllegalArgumentException("character " + describe(cp) + " is not in the vocabulary of "
                        + codePoints.length + " characters; use only characters of the training corpus");
            }
            return id;
        }).toArray();
    }

    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t >= codePoints.length) {
                throw new IllegalArgumentException("token id " + t + " outside the vocabulary of " + codePoints.length);
            }
            sb.appendCodePoint(codePoints[t]);
        }
        return sb.toString();
    }

    static String describe(int cp) {
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp) ? "" : "'" + Character.toString(cp) + "' ";
        return shown + String.format("(U+%04X)", cp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }
}
