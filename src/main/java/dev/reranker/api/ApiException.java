package dev.reranker.api;

/** A request the HTTP layer refuses itself (authentication, an unknown route, a body it cannot read). */
final class ApiException extends RuntimeException {

    private final transient Problem problem;

    ApiException(Problem problem) {
        super(problem.message(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }
}
