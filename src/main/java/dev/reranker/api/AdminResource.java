package dev.reranker.api;

import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.engine.ModelAdministration;
import dev.reranker.model.ModelLoadException;

/**
 * Loading, swapping and unloading the model at runtime. Runs on worker threads: a load takes seconds.
 * Hidden from the public OpenAPI document.
 */
@Path("/admin/model")
@AdminProtected
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ModelAdministration administration;

    public AdminResource(ModelAdministration administration) {
        this.administration = administration;
    }

    @GET
    @Operation(hidden = true)
    public AdminModelStatus status() {
        return AdminModelStatus.of(administration.status());
    }

    /** Loads (another) model and swaps it in once warm; the current one serves meanwhile. */
    @POST
    @Path("/load")
    @Operation(hidden = true)
    public AdminModelStatus load(String raw) throws JsonProcessingException {
        // Any content type, or none: `curl -X POST .../load` with no body reloads the current model.
        AdminLoadRequest body = raw == null || raw.isBlank() ? null : JSON.readValue(raw, AdminLoadRequest.class);
        Optional<String> path = Optional.ofNullable(body).map(AdminLoadRequest::path).filter(p -> !p.isBlank());
        Optional<String> file = Optional.ofNullable(body).map(AdminLoadRequest::file).filter(f -> !f.isBlank());
        LOG.infof("Admin: load %s", path.orElse("the current model") + file.map(f -> " (" + f + ")").orElse(""));
        return AdminModelStatus.of(administration.load(path, file));
    }

    @POST
    @Path("/unload")
    @Operation(hidden = true)
    public AdminModelStatus unload() {
        LOG.info("Admin: unload");
        return AdminModelStatus.of(administration.unload());
    }

    @ServerExceptionMapper
    Response loadFailed(ModelLoadException e) {
        return error(422, "Model not loaded; the previous state is unchanged: " + e.getMessage());
    }

    @ServerExceptionMapper
    Response busy(IllegalStateException e) {
        return error(409, e.getMessage());
    }

    @ServerExceptionMapper
    Response malformed(JsonProcessingException e) {
        return error(400, "Malformed request body: " + e.getOriginalMessage());
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new AdminError(message)).build();
    }
}
