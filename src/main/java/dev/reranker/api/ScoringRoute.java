package dev.reranker.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * The scoring routes: they need an API key when reranker.api-keys is set, and are refused with 429 before
 * their body is parsed when the queue is full. Health, metrics, OpenAPI and /info are not scoring routes.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@interface ScoringRoute {
}
