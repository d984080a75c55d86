package dev.joule.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockSparseLayoutTest {

    @Test
    void fixedPatternListsWindowAndSummaryBlocks() {
        // 28 rows in blocks of 4 (the Fashion-MNIST classifier's layout): window ±1 block, summary block 3.
        BlockSparseLayout bidirectional = BlockSparseLayout.fixed(28, 4, 2, 4, false);
        assertEquals(7, bidirectional.numBlocks());
        assertArrayEquals(new int[] {0, 1, 3}, bidirectional.keyBlocks(0));
        assertArrayEquals(new int[] {2, 3, 4}, bidirectional.keyBlocks(3));
        assertArrayEquals(new int[] {3, 5, 6}, bidirectional.keyBlocks(6));
        assertEquals(23, bidirectional.listedBlocks());
        assertEquals(23 / 49.0, bidirectional.density(), 1e-12);

        BlockSparseLayout causal = BlockSparseLayout.fixed(28, 4, 2, 4, true);
        assertArrayEquals(new int[] {0}, causal.keyBlocks(0));
        assertArrayEquals(new int[] {2, 3}, causal.keyBlocks(3));
        assertArrayEquals(new int[] {3, 5, 6}, causal.keyBlocks(6));
    }

    @Test
    void tokenMaskFollowsBlocksAndTheDiagonalCut() {
        BlockSparseLayout layout = BlockSparseLayout.fixed(10, 4, 1, 8, true);
        // Query 6 (block 1) sees block 1 up to itself; block 0 is neither local nor a summary.
        assertTrue(layout.attends(6, 4));
        assertTrue(layout.attends(6, 6));
        assertFalse(layout.attends(6, 7));
        assertFalse(layout.attends(6, 3));
        // The last block holds tokens 8 and 9 only.
        assertEquals(2, layout.blockRows(2));
        assertEquals(2, layout.panelWidth(2));
        assertEquals(1, layout.visible(2, 0));
        assertEquals(2, layout.visible(2, 1));
    }

    @Test
    void consecutiveBlocksMergeIntoOneRun() {
        BlockSparseLayout layout = new BlockSparseLayout(10, 3, false, new int[][] {{0, 1, 3}, {1}, {0, 2, 3}, {3}});
        assertArrayEquals(new int[] {0, 9}, layout.runStart(0));
        assertArrayEquals(new int[] {6, 1}, layout.runWidth(0));
        assertArrayEquals(new int[] {0, 6}, layout.runStart(2));
        assertArrayEquals(new int[] {3, 4}, layout.runWidth(2));
        assertEquals(7, layout.panelWidth(2));
        // Panels: 3·7 + 3·3 + 3·7 + 1·1 floats; MACs twice that per head dimension.
        assertEquals(21 + 9 + 21 + 1, layout.panelSize());
        assertEquals(2L * 52 * 5, layout.macsPerHead(5));
    }

    @Test
    void denseLayoutListsEveryAllowedBlock() {
        assertEquals(1.0, BlockSparseLayout.dense(50, 8, true).density(), 1e-12);
        assertEquals(1.0, BlockSparseLayout.dense(50, 8, false).density(), 1e-12);
        assertEquals(2L * 50 * 50 * 4, BlockSparseLayout.dense(50, 8, false).macsPerHead(4));
    }

    @Test
    void invalidListsAreRejectedWithTheOffendingBlock() {
        IllegalArgumentException later = assertThrows(IllegalArgumentException.class,
                () -> new BlockSparseLayout(8, 4, true, new int[][] {{0, 1}, {1}}));
        assertTrue(later.getMessage().contains("later key block 1"), later.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new BlockSparseLayout(8, 4, false, new int[][] {{0}, {}}));
        assertTrue(empty.getMessage().contains("query block 1"), empty.getMessage());
        IllegalArgumentException unsorted = assertThrows(IllegalArgumentException.class,
                () -> new BlockSparseLayout(8, 4, false, new int[][] {{1, 0}, {1}}));
        assertTrue(unsorted.getMessage().contains("ascending"), unsorted.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> new BlockSparseLayout(9, 4, false, new int[][] {{0}, {1}}));
        assertTrue(count.getMessage().contains("3 query blocks"), count.getMessage());
    }
}
