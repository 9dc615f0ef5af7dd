package org.nnzoo.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Decodes text strictly: a byte sequence that is not valid in the expected encoding is an error
 * naming the file, line and column, never silently replaced by U+FFFD.
 */
final class StrictText {

    private StrictText() {
    }

    /**
     * @param bytes the encoded text
     * @param charset its encoding
     * @param source names the text in the error message (a file, or a zip member)
     * @return the decoded text
     * @throws DataException at the first malformed or unmappable byte sequence
     */
    static String decode(byte[] bytes, Charset charset, String source) {
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16L,
                (long) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte())));
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw malformed(bytes, in.position(), result, charset, source);
        }
        if (result.isOverflow()) { // cannot happen: the buffer holds maxCharsPerByte per byte
            throw new IllegalStateException("decoding " + source + " overflowed its buffer");
        }
        return out.flip().toString();
    }

    private static DataException malformed(byte[] bytes, int at, CoderResult result, Charset charset,
                                           String source) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        StringBuilder hex = new StringBuilder();
        for (int i = at; i < Math.min(bytes.length, at + Math.max(1, result.length())); i++) {
            hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        String what = hex.indexOf(" ") < 0 ? "the byte " + hex + " is " : "the bytes " + hex + " are ";
        String kind = result.isMalformed() ? "not valid " : "not mappable in ";
        return new DataException(source + " line " + line + ", byte " + (at - lineStart + 1) + " of the line: "
                + what + kind + charset.name() + ". The file was edited or saved in another"
                + " encoding; replace it with the original (if it was downloaded, delete it and it will be"
                + " downloaded again).");
    }
}
