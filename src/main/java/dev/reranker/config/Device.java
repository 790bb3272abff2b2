package dev.reranker.config;

/** Where inference runs. */
public enum Device {
    CPU,
    CUDA,
    /** CUDA when its provider loads, otherwise CPU. */
    AUTO
}
