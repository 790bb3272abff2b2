package dev.reranker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelStatus;

/** GET /admin/model: state, model, device, load time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AdminModelStatus(String state, boolean loading, Model model, @JsonProperty("loaded_at") Long loadedAt,
        String error) {

    record Model(String name, String location, @JsonProperty("onnx_file") String onnxFile, String device,
            @JsonProperty("max_length") int maxLength, @JsonProperty("load_time_ms") long loadTimeMs,
            @JsonProperty("demo_model") boolean demo) {
    }

    static AdminModelStatus of(ModelStatus status) {
        Model model = status.model().map(AdminModelStatus::model).orElse(null);
        return new AdminModelStatus(status.state(), status.loading(), model,
                status.loadedAt() == 0 ? null : status.loadedAt(), status.error().orElse(null));
    }

    private static Model model(ModelDescriptor d) {
        return new Model(d.name(), d.location(), d.onnxFile(), d.device(), d.maxLength(), d.loadMillis(), d.demo());
    }
}
