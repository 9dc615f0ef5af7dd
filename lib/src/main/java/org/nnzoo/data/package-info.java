/**
 * Data sets for the notebooks: finding, downloading, verifying and reading them.
 *
 * <ul>
 *   <li>{@link org.nnzoo.data.DataHome}: the data folder ({@code nnzoo.data}, {@code NNZOO_DATA},
 *       {@code ~/.cache/nnzoo}).</li>
 *   <li>{@link org.nnzoo.data.DataLocator}: finds a data set's files (data home, then system
 *       folders), checks their SHA-256, downloads missing ones with a
 *       {@link org.nnzoo.data.Downloader}.</li>
 *   <li>{@link org.nnzoo.data.Idx}: reads IDX files (gzip or not).</li>
 *   <li>{@link org.nnzoo.data.Mnist}: MNIST and Fashion-MNIST as {@link org.nnzoo.data.ImageSet}s.</li>
 *   <li>{@link org.nnzoo.data.Cora}: the Cora citation graph, from the Planetoid pickles ({@code CoraPlanetoid},
 *       through the code-free pickle reader {@code Pickle} and {@code PickledArrays}) or the LINQS text files
 *       ({@code CoraLinqs}).</li>
 *   <li>{@link org.nnzoo.data.Abc} and {@link org.nnzoo.data.AbcChars}: NLTK's ABC news corpus, as words and as
 *       characters.</li>
 * </ul>
 * Every failure is a {@link org.nnzoo.data.DataException} whose message says how to fix it.
 * The readers ({@code Idx}, {@code Cora}, {@code Abc}, the pickle reader) are safe on damaged or hostile
 * files on their own, not only behind the SHA-256 check: sizes are checked before anything is allocated,
 * reads are bounded, and text is decoded strictly (a bad byte is reported with its file and line).
 * Offline use: put the files in the data home (e.g. {@code NNZOO_DATA=/path/to/datasets}, which
 * holds {@code mnist/train-images-idx3-ubyte.gz} and the others) and run with
 * {@code -Dnnzoo.offline=true} or {@code NNZOO_OFFLINE=1} (not by DJL's {@code ai.djl.offline}, which
 * the project always sets).
 */
package org.nnzoo.data;
