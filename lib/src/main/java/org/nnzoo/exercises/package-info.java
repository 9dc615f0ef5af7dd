/**
 * The checks of the chapters' exercises: {@code ChapterNN} holds chapter NN's, one static method per exercise,
 * annotated {@link org.nnzoo.notebook.Exercise.Checks}, with the functional interfaces the skeleton cells
 * declare. Each check runs the student's answer and the library's reference on fixed random cases and says
 * what is wrong. The solutions are in the repository's {@code solutions/} folder.
 */
package org.nnzoo.exercises;
