package dev.floodgate.edge.fan;

import dev.floodgate.contracts.error.ApiException;

/** {@code POST /api/sessions} body. */
public record SignIn(String email, String password) {
    public SignIn {
        email = SignUp.normaliseEmail(email);
        if (password == null || password.isEmpty() || password.length() > SignUp.MAX_PASSWORD_CHARS) {
            throw ApiException.badRequest("is required (at most " + SignUp.MAX_PASSWORD_CHARS + " characters)",
                    "password");
        }
    }

    @Override
    public String toString() {
        return "SignIn[email=" + email + "]";
    }
}
