package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.AbcChars;

/** The encoded corpus of the language-model chapters. */
class CharCorpusTest {

    private static String documents(String word) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(word).append(' ').append(i).append(" <&>\n\n");
        }
        return sb.toString();
    }

    @Test
    void encodesTheThreePartsAndDescribesThem() {
        AbcChars abc = AbcChars.fromTexts(documents("farm"), documents("atom"));
        CharCorpus c = new CharCorpus(abc);
        assertArrayEquals(abc.encode(abc.train()), c.train());
        assertArrayEquals(abc.encode(abc.validation()), c.validation());
        assertArrayEquals(abc.encode(abc.test()), c.test());
        assertEquals(abc.vocabSize(), c.vocabSize());
        assertTrue(c.summary().startsWith("characters: train " + String.format("%,d", c.train().length)), c.summary());
        assertTrue(c.summary().contains("vocabulary " + abc.vocabSize() + " symbols"), c.summary());
        assertEquals("<pre style='white-space:pre-wrap'>farm 0 &lt;&amp;&gt; ...</pre>", c.preview(10));
    }
}
