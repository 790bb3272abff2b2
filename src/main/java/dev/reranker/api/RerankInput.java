package dev.reranker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.reranker.config.RerankerConfig;
import dev.reranker.config.TruncationSide;
import dev.reranker.engine.ErrorKind;
import dev.reranker.engine.RerankOptions;
import dev.reranker.engine.RerankQuery;
import dev.reranker.engine.ServiceException;

/**
 * Where a request body's values are checked: once, in the words of the API it came through (field names as on the
 * wire). JSON types were already enforced when it was read ({@link StrictJson}); the engine trusts what leaves here.
 */
final class RerankInput {

    private final RerankerConfig config;

    RerankInput(RerankerConfig config) {
        this.config = config;
    }

    /** TEI's {@code POST /rerank}. */
    RerankQuery tei(TeiRerankRequest body) {
        if (body == null || body.texts() == null || body.texts().isEmpty()) {
            throw new ServiceException(ErrorKind.EMPTY, "`texts` cannot be empty");
        }
        String query = query(body.query());
        List<String> texts = body.texts();
        size(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw invalid("`texts[" + i + "]` must be a string, not null");
            }
        }
        boolean truncate = body.truncate() != null ? body.truncate() : config.autoTruncate();
        return new RerankQuery(query, texts, new RerankOptions(truncate, side(body.truncationDirection()), 0,
                chunks(body.maxChunksPerDoc())));
    }

    /** Cohere's (and Jina's) rerank: documents are strings or objects with a string field {@code text}. */
    RerankQuery cohere(CohereRerankRequest body) {
        if (body == null) {
            throw new ServiceException(ErrorKind.EMPTY, "invalid request: query and documents are required");
        }
        List<JsonNode> documents = body.documents();
        if (documents == null || documents.isEmpty()) {
            throw new ServiceException(ErrorKind.EMPTY, "invalid request: documents must be a non-empty list");
        }
        String query = query(body.query());
        size(documents.size());
        List<String> fields = rankFields(body.rankFields());
        List<String> texts = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            if (document != null && document.isTextual()) {
                texts.add(document.textValue());
            } else if (document != null && document.isObject() && fields != null) {
                texts.add(rankedText(document, fields, i));
            } else if (document != null && document.isObject() && document.path("text").isTextual()) {
                texts.add(document.get("text").textValue());
            } else {
                throw invalid("invalid request: documents[" + i
                        + "] must be a string or an object with a string field \"text\"");
            }
        }
        atLeastOne("top_n", body.topN());
        return new RerankQuery(query, texts, new RerankOptions(true, TruncationSide.RIGHT,
                atLeastOne("max_tokens_per_doc", body.maxTokensPerDoc()), chunks(body.maxChunksPerDoc())));
    }

    /** Cohere v1's {@code rank_fields}: null when not given, else a non-empty list of field names. */
    private static List<String> rankFields(List<String> fields) {
        if (fields == null) {
            return null;
        }
        if (fields.isEmpty()) {
            throw invalid("invalid request: rank_fields must name at least one field");
        }
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i) == null || fields.get(i).isBlank()) {
                throw invalid("invalid request: rank_fields[" + i + "] must be a field name");
            }
        }
        return fields;
    }

    /**
     * An object document ranked on {@code fields}: each field it has, in the order given, becomes a line
     * {@code field: value} (the YAML-like form Cohere recommends for structured documents); a value that is not a
     * string is written as JSON. Fields it lacks or that are null are left out; a document with none of them is
     * refused rather than scored as an empty text.
     */
    private static String rankedText(JsonNode document, List<String> fields, int index) {
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            JsonNode value = document.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(field).append(": ").append(value.isTextual() ? value.textValue() : value.toString());
        }
        if (text.length() == 0) {
            throw invalid("invalid request: documents[" + index + "] has none of the rank_fields " + fields);
        }
        return text.toString();
    }

    private static String query(String query) {
        if (query == null || query.isBlank()) {
            throw new ServiceException(ErrorKind.EMPTY, "`query` cannot be empty");
        }
        return query;
    }

    private void size(int documents) {
        if (documents > config.maxClientBatchSize()) {
            throw invalid("batch size " + documents + " > maximum allowed batch size " + config.maxClientBatchSize());
        }
    }

    /** max_chunks_per_doc: 0 when not given, else from 1 to reranker.chunking.max-chunks-limit. */
    private int chunks(Integer value) {
        int chunks = atLeastOne("max_chunks_per_doc", value);
        int limit = config.chunking().maxChunksLimit();
        if (chunks > limit) {
            throw invalid("`max_chunks_per_doc` must be at most " + limit + ", got " + chunks);
        }
        return chunks;
    }

    /** An optional count: 0 when not given, else at least 1. */
    private static int atLeastOne(String field, Integer value) {
        if (value == null) {
            return 0;
        }
        if (value < 1) {
            throw invalid("`" + field + "` must be at least 1, got " + value);
        }
        return value;
    }

    private static TruncationSide side(String direction) {
        if (direction == null) {
            return TruncationSide.RIGHT;
        }
        return switch (direction.toLowerCase(Locale.ROOT)) {
            case "right" -> TruncationSide.RIGHT;
            case "left" -> TruncationSide.LEFT;
            default -> throw invalid("`truncation_direction` must be Right or Left, not " + direction);
        };
    }

    private static ServiceException invalid(String message) {
        return new ServiceException(ErrorKind.VALIDATION, message);
    }
}
