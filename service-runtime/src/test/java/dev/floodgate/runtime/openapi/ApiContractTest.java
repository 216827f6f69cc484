package dev.floodgate.runtime.openapi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle itself, on a small document (test resource openapi/sample.yaml). */
class ApiContractTest {
    private final ApiContract sample = ApiContract.load("openapi/sample.yaml");

    @Test
    void aDocumentedStatusWithAMatchingBodyIsAllowed() {
        assertThat(sample.check("GET", "/things/t-1", 200, "application/json", "{\"id\":\"t-1\",\"count\":2}"))
                .isEmpty();
    }

    @Test
    void aBodyThatBreaksTheSchemaIsNot() {
        assertThat(sample.check("GET", "/things/t-1", 200, "application/json", "{\"id\":\"t-1\",\"count\":\"2\"}"))
                .singleElement().asString().contains("count");
        assertThat(sample.check("GET", "/things/t-1", 200, "application/json", "{\"id\":\"t-1\",\"count\":2,\"x\":1}"))
                .isNotEmpty();
    }

    @Test
    void anErrorCodeOutsideTheEnumIsNot() {
        assertThat(sample.check("GET", "/things/t-1", 404, "application/json",
                "{\"errors\":[{\"message\":\"no such thing\",\"code\":\"NOT_FOUND\"}]}")).isEmpty();
        assertThat(sample.check("GET", "/things/t-1", 404, "application/json",
                "{\"errors\":[{\"message\":\"no such thing\",\"code\":\"GONE_FISHING\"}]}")).isNotEmpty();
    }

    @Test
    void anUndocumentedStatusOrOperationIsNot() {
        assertThat(sample.check("GET", "/things/t-1", 500, "application/json", "{}")).isNotEmpty();
        assertThat(sample.check("DELETE", "/things/t-1", 204, null, "")).isNotEmpty();
        assertThat(sample.check("GET", "/others", 200, "application/json", "{}")).isNotEmpty();
    }

    @Test
    void aBodyOfAnUnlistedMediaTypeIsNot() {
        assertThat(sample.check("GET", "/things/t-1", 200, "text/plain", "t-1")).isNotEmpty();
        assertThat(sample.check("GET", "/things/t-1", 200, "application/json; charset=UTF-8",
                "{\"id\":\"t-1\",\"count\":2}")).isEmpty();
    }

    @Test
    void aLiteralPathWinsOverATemplate() {
        assertThat(sample.check("GET", "/things/special", 200, "application/json", "[]")).isEmpty();
    }

    @Test
    void theDocumentIsReadAsOpenApi31AndListsItsOperations() {
        assertThat(sample.openApiProblems()).isEmpty();
        assertThat(sample.operations()).containsExactly("GET /things/special", "GET /things/{thingId}");
    }

    @Test
    void aCopyOfTheSharedErrorSchemasThatDriftedIsNamed() {
        assertThat(sample.sharedSchemaDrift()).containsExactlyInAnyOrder(
                "ErrorBody differs from openapi/errors.yaml in openapi/sample.yaml",
                "ErrorCode differs from openapi/errors.yaml in openapi/sample.yaml");
    }

    @Test
    void theSharedErrorCodesAreErrorCode() {
        assertThat(ApiContract.load(ApiContract.SHARED_SCHEMAS).errorCodes()).isEqualTo(ApiContract.knownErrorCodes());
    }
}
