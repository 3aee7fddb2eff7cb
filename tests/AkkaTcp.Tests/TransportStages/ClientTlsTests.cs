using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>The client library's TLS: pooled and single connections to a TLS server, verified by default, failing connects that say why.</summary>
public sealed class ClientTlsTests(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private readonly TestCertificates _certificates = new();

    private Task<AkkaTcpServer> StartTlsServerAsync((string Certificate, string Key, System.Security.Cryptography.X509Certificates.X509Certificate2 _) files, string extra = "") =>
        StartServerAsync($$"""
            akka-tcp.servers.main.tls { enabled = on, certificate = "{{files.Certificate}}", key = "{{files.Key}}" }
            akka-tcp.servers.main.tls { {{extra}} }
            """);

    private ClientSettings Settings(ClientTlsSettings tls) => ClientSettings.Default with { Tls = tls, ConnectTimeout = Dilated(TimeSpan.FromSeconds(5)) };

    private async Task<string> ConnectFailureAsync(AkkaTcpServer server, ClientTlsSettings tls)
    {
        var error = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(), Settings(tls), Sys, Within()));
        Assert.Contains("TLS handshake failed", error.Message);
        return error.Message;
    }

    [Fact]
    public async Task A_pool_of_tls_connections_carries_concurrent_requests()
    {
        var server = await StartTlsServerAsync(_certificates.Server("server"));
        var settings = Settings(new ClientTlsSettings { Enabled = true, Ca = _certificates.CaPem, ServerName = "localhost" });
        await using var client = new LineClient(server.LocalEndPoint, settings with { Pool = settings.Pool with { MaxConnections = 3 } }, Sys);
        var replies = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => client.SendAsync($"request {i}", Within())));
        for (var i = 0; i < replies.Length; i++)
            Assert.Equal($"request {i}", replies[i]);
        Assert.InRange(client.Pool.Connections, 1, 3);
    }

    [Fact]
    public async Task The_address_dialled_is_the_name_checked_when_no_server_name_is_set()
    {
        var server = await StartTlsServerAsync(_certificates.Server("server")); // its certificate names 127.0.0.1 too
        await using var connection = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(),
            Settings(new ClientTlsSettings { Enabled = true, Ca = _certificates.CaPem }), Sys, Within());
        Assert.Equal("by address", await connection.SendAsync("by address"));
    }

    [Fact]
    public async Task Connects_fail_naming_why_for_an_untrusted_a_wrong_name_and_an_expired_certificate()
    {
        var server = await StartTlsServerAsync(_certificates.Server("server"));
        using var otherCa = new TestCertificates("Another CA");
        Assert.Contains("not trusted", await ConnectFailureAsync(server, new ClientTlsSettings { Enabled = true, Ca = otherCa.CaPem, ServerName = "localhost" }));
        Assert.Contains("not valid for the name", await ConnectFailureAsync(server, new ClientTlsSettings { Enabled = true, Ca = _certificates.CaPem, ServerName = "other.test" }));
        Assert.Contains("not trusted", await ConnectFailureAsync(server, new ClientTlsSettings { Enabled = true, ServerName = "localhost" })); // the system store does not know our CA
        await server.StopAsync();

        var expired = await StartTlsServerAsync(_certificates.Server("expired", notAfter: DateTimeOffset.UtcNow.AddDays(-2)));
        Assert.Contains("expired", await ConnectFailureAsync(expired, new ClientTlsSettings { Enabled = true, Ca = _certificates.CaPem, ServerName = "localhost" }));
    }

    [Fact]
    public async Task Allow_untrusted_accepts_a_self_signed_server_for_tests()
    {
        var server = await StartTlsServerAsync(_certificates.Server("self", selfSigned: true));
        Assert.Contains("not trusted", await ConnectFailureAsync(server, new ClientTlsSettings { Enabled = true, ServerName = "localhost" }));
        await using var connection = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(),
            Settings(new ClientTlsSettings { Enabled = true, AllowUntrusted = true }), Sys, Within());
        Assert.Equal("trusted anyway", await connection.SendAsync("trusted anyway"));
    }

    [Fact]
    public async Task A_plaintext_server_fails_the_connect()
    {
        var server = await StartServerAsync();
        Assert.Contains("TLS", await ConnectFailureAsync(server, new ClientTlsSettings { Enabled = true, AllowUntrusted = true }));
    }

    [Fact]
    public async Task A_client_certificate_from_hocon_opens_a_server_that_requires_one()
    {
        var server = await StartTlsServerAsync(_certificates.Server("server"), $"""client-certificate = required, client-ca = "{_certificates.CaPem}" """);
        var (certificate, key) = _certificates.ClientPem("device");
        var settings = ClientSettings.Load(Akka.Configuration.ConfigurationFactory.ParseString($$"""
            akka-tcp.client.tls { enabled = on, ca = "{{_certificates.CaPem}}", server-name = localhost, client-certificate = "{{certificate}}", client-key = "{{key}}" }
            """));
        await using var connection = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(), settings, Sys, Within());
        Assert.Equal("known device", await connection.SendAsync("known device"));

        // Without one: TLS 1.3 lets the client finish first, so the refusal is the connection ending.
        var without = Settings(new ClientTlsSettings { Enabled = true, Ca = _certificates.CaPem, ServerName = "localhost" });
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var anonymous = await ClientConnection<string, string>.ConnectAsync(server.LocalEndPoint, new LineClientProtocol(), without, Sys, Within());
            await anonymous.SendAsync("anonymous");
        });
        Assert.True(failure is ConnectionFailedException or ConnectionClosedException, failure?.ToString());
    }

    public new void Dispose()
    {
        _certificates.Dispose();
        base.Dispose();
    }
}
