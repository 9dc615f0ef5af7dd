package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both Cora formats from {@code NNZOO_DATA} (e.g. {@code ../shared/datasets}, holding {@code cora/linqs/} and
 * {@code cora/planetoid/}); skipped only when {@code NNZOO_DATA} is not set.
 */
@RealData
class RealCoraTest {

    static Cora planetoid;
    static Cora linqs;

    @BeforeAll
    static void load() {
        DataHome.clearOverride();
        planetoid = Cora.planetoid(Slice.offlineLocator());
        linqs = Cora.linqs(Slice.offlineLocator());
    }

    @Test
    void planetoidCountsAndStandardSplit() {
        assertEquals(2708, planetoid.nodes());
        assertEquals(1433, planetoid.featureCount());
        assertEquals(7, planetoid.classCount());
        assertEquals(5278, planetoid.edgeCount());
        assertArrayEquals(java.util.stream.IntStream.range(0, 140).toArray(), planetoid.trainIndex());
        assertArrayEquals(java.util.stream.IntStream.range(140, 640).toArray(), planetoid.valIndex());
        assertArrayEquals(java.util.stream.IntStream.range(1708, 2708).toArray(), planetoid.testIndex());
        assertArrayEquals(new int[] {351, 217, 418, 818, 426, 298, 180}, planetoid.classCounts());
        int[] testCounts = new int[7];
        for (int l : planetoid.labels(planetoid.testIndex())) {
            testCounts[l]++;
        }
        assertArrayEquals(new int[] {130, 91, 144, 319, 149, 103, 64}, testCounts); // ty's class counts
    }

    @Test
    void linqsCountsAndSeededSplit() {
        assertEquals(2708, linqs.nodes());
        assertEquals(5278, linqs.edgeCount());
        assertArrayEquals(new int[] {351, 217, 418, 818, 426, 298, 180}, linqs.classCounts());
        assertEquals(140, linqs.trainIndex().length);
        assertEquals(500, linqs.valIndex().length);
        assertEquals(1000, linqs.testIndex().length);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {linqs.trainIndex(), linqs.valIndex(), linqs.testIndex()}) {
            for (int v : part) {
                assertTrue(all.add(v), "node " + v + " in two splits");
            }
        }
    }

    /**
     * The two formats are the same papers in another order. Match nodes by their (unique) word sets: with
     * the test rows reordered as Planetoid's loader does, labels and citations agree; a loader that kept
     * tx in file order would put test features on the wrong nodes and break the edge agreement.
     */
    @Test
    void planetoidMatchesLinqsAfterTestReordering() {
        Map<String, Integer> linqsByWords = uniqueRows(linqs);
        Map<String, Integer> planetoidByWords = uniqueRows(planetoid);
        int[] map = new int[2708];
        Arrays.fill(map, -1);
        int matched = 0;
        int[] pl = planetoid.labels();
        int[] ll = linqs.labels();
        for (Map.Entry<String, Integer> e : planetoidByWords.entrySet()) {
            Integer j = linqsByWords.get(e.getKey());
            if (j != null) {
                map[e.getValue()] = j;
                matched++;
                assertEquals(ll[j], pl[e.getValue()], "label of planetoid node " + e.getValue());
            }
        }
        assertTrue(matched > 2500, "matched " + matched);
        Set<Long> linqsEdges = new HashSet<>();
        int[] ls = linqs.edgeSource();
        int[] lt = linqs.edgeTarget();
        for (int e = 0; e < ls.length; e++) {
            linqsEdges.add(key(ls[e], lt[e]));
        }
        int[] ps = planetoid.edgeSource();
        int[] pt = planetoid.edgeTarget();
        int checked = 0;
        int agree = 0;
        int testEdges = 0;
        for (int e = 0; e < ps.length; e++) {
            if (map[ps[e]] >= 0 && map[pt[e]] >= 0) {
                checked++;
                agree += linqsEdges.contains(key(map[ps[e]], map[pt[e]])) ? 1 : 0;
                testEdges += ps[e] >= 1708 || pt[e] >= 1708 ? 1 : 0;
            }
        }
        assertTrue(checked > 4500 && testEdges > 1000, "checked " + checked + " edges, " + testEdges + " at test nodes");
        assertEquals(checked, agree, "every matched planetoid edge is a LINQS citation");
    }

    private static long key(int a, int b) {
        return ((long) Math.min(a, b) << 32) | Math.max(a, b);
    }

    private static Map<String, Integer> uniqueRows(Cora c) {
        Map<String, Integer> first = new HashMap<>();
        Set<String> dup = new HashSet<>();
        float[] x = c.features();
        int f = c.featureCount();
        for (int i = 0; i < c.nodes(); i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < f; j++) {
                if (x[i * f + j] != 0f) {
                    sb.append(j).append(',');
                }
            }
            String k = sb.toString();
            if (first.putIfAbsent(k, i) != null) {
                dup.add(k);
            }
        }
        first.keySet().removeAll(dup);
        return first;
    }
}
