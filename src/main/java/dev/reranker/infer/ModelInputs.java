package dev.reranker.infer;

import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

/**
 * The inputs a cross-encoder graph declares: {@code input_ids} and {@code attention_mask}, optionally
 * {@code token_type_ids}, each int64 or int32 as the export chose.
 */
record ModelInputs(OnnxJavaType idsType, OnnxJavaType maskType, OnnxJavaType typeIdsType) {

    static final String IDS = "input_ids";
    static final String MASK = "attention_mask";
    static final String TYPE_IDS = "token_type_ids";

    static ModelInputs of(Map<String, NodeInfo> inputs) {
        for (String name : inputs.keySet()) {
            if (!name.equals(IDS) && !name.equals(MASK) && !name.equals(TYPE_IDS)) {
                throw new IllegalArgumentException("input '" + name + "' is not one of a cross-encoder (expected "
                        + IDS + ", " + MASK + " and optionally " + TYPE_IDS + "; found " + inputs.keySet() + ")");
            }
        }
        if (!inputs.containsKey(IDS) || !inputs.containsKey(MASK)) {
            throw new IllegalArgumentException("a cross-encoder needs inputs " + IDS + " and " + MASK + "; found "
                    + inputs.keySet());
        }
        return new ModelInputs(integerType(inputs.get(IDS)), integerType(inputs.get(MASK)),
                inputs.containsKey(TYPE_IDS) ? integerType(inputs.get(TYPE_IDS)) : null);
    }

    boolean hasTypeIds() {
        return typeIdsType != null;
    }

    private static OnnxJavaType integerType(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo tensor)
                || (tensor.type != OnnxJavaType.INT64 && tensor.type != OnnxJavaType.INT32)) {
            throw new IllegalArgumentException("input '" + node.getName() + "' must be an int64 or int32 tensor, found "
                    + node.getInfo());
        }
        if (tensor.getShape().length != 2) {
            throw new IllegalArgumentException(
                    "input '" + node.getName() + "' must have shape [batch, sequence], found "
                            + java.util.Arrays.toString(tensor.getShape()));
        }
        return tensor.type;
    }
}
