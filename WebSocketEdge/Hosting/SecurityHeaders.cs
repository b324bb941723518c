namespace OrleansChat.Edge.Hosting;

/// <summary>
/// Headers every answer carries. The page loads only its own scripts, styles and connections
/// (the hub is same-origin), so a Content-Security-Policy of <c>'self'</c> costs it nothing and
/// keeps any text a user manages to get into the page from running as script or loading from
/// elsewhere. The page may not be framed (clickjacking), types are not sniffed, and no referrer
/// leaves the page.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        return next(context);
    }
}
