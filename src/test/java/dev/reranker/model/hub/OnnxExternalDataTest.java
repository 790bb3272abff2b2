package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExternalDataTest {

    @Test
    void findsTheExternalDataOfALargeStyleExport() {
        assertEquals(Set.of("model.onnx_data"),
                OnnxExternalData.locations(Path.of("src/test/resources/models/tiny-xlmr-external/model.onnx")));
    }

    @Test
    void aSelfContainedGraphHasNone() {
        assertEquals(Set.of(), OnnxExternalData.locations(Path.of("src/main/resources/demo-model/model.onnx")));
        assertEquals(Set.of(), OnnxExternalData.locations(Path.of("src/test/resources/models/tiny-bert/model.onnx")));
    }

    @Test
    void somethingElseIsReportedAsNotOnnx(@TempDir Path dir) throws IOException {
        Path json = Files.writeString(dir.resolve("model.onnx"), "{\"not\": \"onnx\"}");
        HubException e = assertThrows(HubException.class, () -> OnnxExternalData.locations(json));
        assertTrue(e.getMessage().contains("is not a valid ONNX file"), e.getMessage());
    }

    @Test
    void externalDataPathsStayInsideTheRepository() {
        Path onnx = Path.of("src/test/resources/models/tiny-xlmr-external/model.onnx");
        assertEquals(List.of("onnx/model.onnx_data"), HubModelResolver.externalData("onnx/model.onnx", onnx,
                Set.of("onnx/model.onnx", "onnx/model.onnx_data"), "repo"));
        HubException missing = assertThrows(HubException.class,
                () -> HubModelResolver.externalData("model.onnx", onnx, Set.of("model.onnx"), "repo x"));
        assertEquals("model.onnx keeps its weights in model.onnx_data, which repo x does not have",
                missing.getMessage());
    }
}
