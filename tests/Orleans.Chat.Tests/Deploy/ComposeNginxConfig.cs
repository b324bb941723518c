using OrleansChat.Tests.Cluster.Infrastructure;

namespace OrleansChat.Tests.Deploy;

/// <summary>
/// nginx/nginx.compose.conf is nginx/nginx.conf.template rendered for the compose network, plus three
/// compose-only parts: Docker's resolver, a shared-memory upstream whose server is re-resolved, and
/// includes of what docker-start.sh renders (trusted proxies, TLS). Everything else comes from the template.
/// </summary>
public static class ComposeNginxConfig
{
    private static readonly string[] Upstream =
    [
        "        # Compose: shared memory for the group, and `resolve` asks Docker's DNS (the resolver above) again",
        "        # as replicas come and go, so `scale` and `restart` need no nginx reload (nginx 1.27.3+).",
        "        zone chat_nodes 256k;",
        "        server chat:8080 resolve max_fails=3 fail_timeout=1s;",
    ];

    private static readonly string[] AfterHttp =
    [
        "    # Compose: Docker's DNS, re-asked every 5 s, for the upstream's `resolve`.",
        "    resolver 127.0.0.11 valid=5s ipv6=off;",
        "    resolver_timeout 2s;",
        "    # Compose: what docker-start.sh renders into nginx/local (the trusted proxies whose",
        "    # X-Forwarded-For gives the client address ip_hash uses; none by default).",
        "    include /etc/nginx/chat.d/http-*.conf;",
    ];

    private static readonly string[] AfterServer =
    [
        "        # Compose: TLS on 3443 when docker-start.sh found or made a certificate (nginx/tls).",
        "        include /etc/nginx/chat.d/server-*.conf;",
    ];

    public static string Render()
    {
        var rendered = NginxProcess.Render("/tmp/nginx.pid", "/dev/stderr", "/dev/stdout", "/tmp", 3001, Upstream, workers: 4);
        var lines = new List<string>();
        bool http = false, server = false;
        foreach (var line in rendered.Split('\n'))
        {
            lines.Add(line);
            if (!http && line == "http {")
            {
                lines.AddRange(AfterHttp);
                http = true;
            }
            else if (!server && line == "    server {")
            {
                lines.AddRange(AfterServer);
                server = true;
            }
        }

        return string.Join('\n', lines);
    }
}
