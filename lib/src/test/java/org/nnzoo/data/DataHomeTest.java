package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataHomeTest {

    @AfterEach
    void reset() {
        DataHome.clearOverride();
        System.clearProperty(DataHome.PROPERTY);
    }

    @Test
    void overrideWinsOverProperty() {
        System.setProperty(DataHome.PROPERTY, "/tmp/from-property");
        assertEquals(Path.of("/tmp/from-property"), DataHome.dir());
        DataHome.setOverride(Path.of("/tmp/from-override"));
        assertEquals(Path.of("/tmp/from-override"), DataHome.dir());
        DataHome.clearOverride();
        assertEquals(Path.of("/tmp/from-property"), DataHome.dir());
    }

    @Test
    void defaultIsAbsoluteAndEndsInNnzooUnlessEnvSet() {
        Path dir = DataHome.dir();
        assertTrue(dir.isAbsolute());
        if (System.getenv(DataHome.ENV) == null) {
            assertEquals("nnzoo", dir.getFileName().toString());
        } else {
            assertEquals(Path.of(System.getenv(DataHome.ENV)).toAbsolutePath(), dir);
        }
    }

    @Test
    void aRelativeSettingIsExplainedInTheMissingDataMessage() {
        System.setProperty(DataHome.PROPERTY, "../no-such-datasets-folder");
        String how = DataHome.howChosen();
        assertTrue(how.contains("../no-such-datasets-folder, a relative path, resolved against this process's working directory "
                + Path.of("").toAbsolutePath()), how);
        DataException e = assertThrows(DataException.class, () -> Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()));
        assertTrue(e.getMessage().contains("a relative path"), e.getMessage());

        System.setProperty(DataHome.PROPERTY, "/tmp/absolute-datasets");
        assertEquals("from system property " + DataHome.PROPERTY, DataHome.howChosen());
    }
}
