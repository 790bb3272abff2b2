package dev.reranker.api;

import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.reranker.engine.ModelAdministration;

/**
 * Loading, swapping and unloading the model at runtime. Runs on worker threads: a load takes seconds. Hidden from
 * the public OpenAPI document; {@link AdminGate} keeps it behind reranker.admin.key.
 */
@Path("/admin/model")
@AdminProtected
@Produces(MediaType.APPLICATION_JSON)
class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    private final ModelAdministration administration;
    /** The application's strict mapper: the load body's types are checked like every other body's. */
    private final ObjectReader loadRequest;

    AdminResource(ModelAdministration administration, ObjectMapper json) {
        this.administration = administration;
        this.loadRequest = json.readerFor(AdminLoadRequest.class);
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
        AdminLoadRequest body = raw == null || raw.isBlank() ? null : loadRequest.readValue(raw);
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
}
