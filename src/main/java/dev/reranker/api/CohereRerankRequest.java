package dev.reranker.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of Cohere's (and Jina's) rerank. Documents are strings or objects with a {@code text} field, or, with
 * {@code rank_fields}, objects whose named fields are ranked; unknown fields are ignored and JSON null means "not
 * given", as Cohere's SDKs send them.
 */
@Schema(name = "CohereRerankRequest", requiredProperties = { "query", "documents" })
record CohereRerankRequest(
        @Schema(description = "Echoed in the answer; the served model scores whatever is named here", examples = "bge-reranker-v2-m3") String model,
        @Schema(description = "The search query", minLength = 1, examples = "what license allows redistribution") String query,
        @Schema(type = SchemaType.ARRAY, implementation = CohereDocument.class, minItems = 1, description = "Strings, or objects with a string field `text` (or the fields named by `rank_fields`)") List<JsonNode> documents,
        @Schema(description = "Return only the best n results", minimum = "1", examples = "2") @JsonProperty("top_n") Integer topN,
        @Schema(description = "Echo each document's text in the results") @JsonProperty("return_documents") Boolean returnDocuments,
        @Schema(description = "Truncate each document to this many tokens", minimum = "1", examples = "512") @JsonProperty("max_tokens_per_doc") Integer maxTokensPerDoc,
        @Schema(description = "Score a long document in up to this many windows and keep the best", minimum = "1", examples = "1") @JsonProperty("max_chunks_per_doc") Integer maxChunksPerDoc,
        @Schema(description = "Cohere v1: for object documents, the fields to rank on, in this order; each present"
                + " field becomes a line `field: value` of the text scored", minItems = 1, examples = "[\"title\", \"text\"]") @JsonProperty("rank_fields") List<String> rankFields) {

    /** What a document may be on the wire; for the OpenAPI document only (a JsonNode would show Jackson's own). */
    @Schema(name = "CohereDocument", oneOf = { String.class,
            CohereTextDocument.class }, description = "A document: a string, or an object with a string field `text`")
    interface CohereDocument {
    }

    @Schema(name = "CohereTextDocument", requiredProperties = "text")
    record CohereTextDocument(@Schema(examples = "You may redistribute modified versions.") String text) {
    }
}
