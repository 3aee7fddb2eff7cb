using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>The server side of TLS over loopback, with SslStream and openssl s_client as clients and certificates made at run time.</summary>
public sealed class TlsServerTests(ITestOutputHelper output) : ServerSpec(output), IDisposable
{
    private readonly TestCertificates _certificates = new();

    private static string Hocon(string certificate, string key, string extra = "") => $$"""
        akka-tcp.servers.main {
          tls { enabled = on, certificate = "{{certificate}}", key = "{{key}}" }
          {{extra}}
        }
        """;

    private Task<AkkaTcpServer> StartTlsServerAsync(string extra = "")
    {
        var (certificate, key, _) = _certificates.Server("server");
        return StartServerAsync(Hocon(certificate, key, extra));
    }

    private Task AwaitClosedAsync(AkkaTcpServer server, CloseReason reason, long count) =>
        AwaitAssertAsync(async () =>
        {
            var stats = await server.GetStatsAsync();
            Assert.True(count == stats.ClosedWith(reason),
                $"expected {count} closed as {reason.Name()}; closed: {string.Join(", ", stats.ClosedByReason.Select(p => $"{p.Key.Name()} {p.Value}"))}, active {stats.Active}");
        }, Dilated(TimeSpan.FromSeconds(15)));

    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task A_client_is_served_over_each_tls_version(SslProtocols version)
    {
        var server = await StartTlsServerAsync();
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), protocols: version);
        Assert.Equal(version, client.Stream.SslProtocol);
        await client.SendAsync("hello\nworld\n", Within());
        Assert.Equal("hello", await client.ReadLineAsync(Within()));
        Assert.Equal("world", await client.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task Many_pipelined_lines_and_large_ones_come_back_whole_and_in_order()
    {
        var server = await StartTlsServerAsync("max-frame-size = 1m");
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        var big = new string('x', 200_000);
        var sending = Task.Run(async () =>
        {
            var text = new StringBuilder();
            for (var i = 0; i < 20_000; i++)
                text.Append("line ").Append(i).Append('\n');
            text.Append(big).Append('\n');
            await client.SendAsync(text.ToString(), Within());
        });
        for (var i = 0; i < 20_000; i++)
            Assert.Equal($"line {i}", await client.ReadLineAsync(Within()));
        Assert.Equal(big, await client.ReadLineAsync(Within()));
        await sending;
        var stats = await server.GetStatsAsync();
        Assert.True(stats.BytesReceived > 20_000 * 7 + big.Length, "traffic counts wire bytes, which TLS makes more than the plaintext");
    }

    [Fact]
    public async Task A_tls_client_in_the_waiting_room_finishes_its_handshake_when_served()
    {
        var server = await StartTlsServerAsync("max-connections = 1, over-limit = queue");
        var first = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        var second = TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within()); // its ClientHello waits unread
        await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Queued));
        Assert.False(second.IsCompleted);
        await first.DisposeAsync();
        await using var admitted = await second;
        await admitted.SendAsync("served at last\n", Within());
        Assert.Equal("served at last", await admitted.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task The_server_name_a_client_asks_for_picks_its_certificate()
    {
        var (defaultCert, defaultKey, defaultCertificate) = _certificates.Server("default");
        var (apiCert, apiKey, apiCertificate) = _certificates.Server("api", ["api.test", "*.api.test"]);
        var server = await StartServerAsync(Hocon(defaultCert, defaultKey,
            $$"""tls.sni { api { server-names = ["api.test", "*.api.test"], certificate = "{{apiCert}}", key = "{{apiKey}}" } }"""));

        await using var api = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), serverName: "api.test");
        Assert.Equal(apiCertificate.Thumbprint, api.ServerCertificate!.Thumbprint);
        await using var wildcard = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), serverName: "eu.api.test");
        Assert.Equal(apiCertificate.Thumbprint, wildcard.ServerCertificate!.Thumbprint);
        await using var other = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), serverName: "localhost");
        Assert.Equal(defaultCertificate.Thumbprint, other.ServerCertificate!.Thumbprint);
        await api.SendAsync("sni\n", Within());
        Assert.Equal("sni", await api.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task Handshakes_are_measured_by_version_and_failures_by_error_type()
    {
        using var recorder = new MeterRecorder();
        var (certificate, key, _) = _certificates.Server("server");
        var server = await AkkaTcpServer.StartAsync(Sys, LoadSettings(Hocon(certificate, key)).Servers[0], recorder.Metrics);
        foreach (var version in new[] { SslProtocols.Tls13, SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), protocols: version);
            await client.SendAsync("measured\n", Within());
            Assert.Equal("measured", await client.ReadLineAsync(Within()));
        }
        await using (var plaintext = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within()))
        {
            await plaintext.SendAsync("not tls\n", Within());
            await plaintext.ReadToEndAsync(Within());
        }
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(2, recorder.Total("akkatcp.tls_handshake.duration{tls.protocol.version=1.3}"));
            Assert.Equal(1, recorder.Total("akkatcp.tls_handshake.duration{tls.protocol.version=1.2}"));
            Assert.Equal(1, recorder.Total("akkatcp.tls_handshake.duration{error.type=tls-handshake}"));
        });
    }

    [Fact]
    public async Task A_pkcs12_certificate_with_a_password_serves()
    {
        var pfx = _certificates.ServerPkcs12("bundle", "s3cret");
        var server = await StartServerAsync($$"""akka-tcp.servers.main.tls { enabled = on, certificate = "{{pfx}}", password = "s3cret" }""");
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await client.SendAsync("pfx\n", Within());
        Assert.Equal("pfx", await client.ReadLineAsync(Within()));
    }

    [Theory]
    [InlineData("hello\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0000\u0005garbage after a record header")]
    public async Task Plaintext_http_or_garbage_on_a_tls_port_gets_a_clean_close(string input)
    {
        var server = await StartTlsServerAsync();
        await using var client = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await client.SendAsync(input, Within());
        var (rest, clean) = await client.ReadToEndAsync(Within());
        Assert.True(clean, "closed with a FIN, not a reset");
        Assert.DoesNotContain(input.Trim(), Encoding.ASCII.GetString(rest)); // never echoed as plaintext
        await AwaitClosedAsync(server, CloseReason.TlsHandshake, 1);
        await using var good = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await good.SendAsync("still serving\n", Within());
        Assert.Equal("still serving", await good.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_handshake_is_closed_after_handshake_timeout()
    {
        var server = await StartTlsServerAsync("handshake-timeout = 500ms");
        await using var silent = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var partial = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await partial.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 }, Within()); // a ClientHello that never ends
        Assert.True((await silent.ReadToEndAsync(Within())).CleanClose);
        Assert.True((await partial.ReadToEndAsync(Within())).CleanClose);
        await AwaitClosedAsync(server, CloseReason.TlsHandshake, 2);
    }

    [Fact]
    public async Task Clients_refuse_expired_wrong_name_and_self_signed_server_certificates()
    {
        var expired = _certificates.Server("expired", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var wrongName = _certificates.Server("wrong", ["elsewhere.test"]);
        var selfSigned = _certificates.Server("self", selfSigned: true);
        foreach (var (certificate, key, _) in new[] { expired, wrongName, selfSigned })
        {
            var server = await StartServerAsync(Hocon(certificate, key));
            await Assert.ThrowsAsync<AuthenticationException>(() =>
                TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), serverName: "localhost"));
            // The client checks the certificate once OpenSSL finished the handshake, then hangs up:
            // to the server that is a client leaving (peer-closed), not a failed handshake.
            await AwaitAssertAsync(async () => Assert.Equal(1, (await server.GetStatsAsync()).Closed));
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task A_required_client_certificate_must_be_signed_by_client_ca()
    {
        using var otherCa = new TestCertificates("Another CA");
        var server = await StartTlsServerAsync($$"""tls { client-certificate = required, client-ca = "{{_certificates.CaPem}}" }""");

        await using var signed = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), clientCertificate: _certificates.Client("device-1"));
        await signed.SendAsync("with certificate\n", Within());
        Assert.Equal("with certificate", await signed.ReadLineAsync(Within()));

        // TLS 1.3 clients finish their side before the server checks their certificate: the refusal shows on the first read.
        await AssertRefusedAsync(server, null);
        await AssertRefusedAsync(server, otherCa.Client("intruder"));
        await AwaitClosedAsync(server, CloseReason.TlsHandshake, 2);
    }

    [Fact]
    public async Task An_optional_client_certificate_lets_clients_without_one_in()
    {
        var server = await StartTlsServerAsync($$"""tls { client-certificate = optional, client-ca = "{{_certificates.CaPem}}" }""");
        await using var without = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await without.SendAsync("anonymous\n", Within());
        Assert.Equal("anonymous", await without.ReadLineAsync(Within()));
        await using var with = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), clientCertificate: _certificates.Client("device-2"));
        await with.SendAsync("known\n", Within());
        Assert.Equal("known", await with.ReadLineAsync(Within()));
    }

    private async Task AssertRefusedAsync(AkkaTcpServer server, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate)
    {
        try
        {
            await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within(), clientCertificate: clientCertificate);
            await client.SendAsync("let me in\n", Within());
            Assert.Null(await client.ReadLineAsync(Within()));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
        }
    }

    [Fact]
    public async Task A_changed_certificate_file_serves_new_connections_while_open_ones_keep_theirs()
    {
        var (certificate, key, first) = _certificates.Server("rotating");
        var server = await StartServerAsync(Hocon(certificate, key, "tls.reload-check-interval = 0s"));
        await using var before = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        Assert.Equal(first.Thumbprint, before.ServerCertificate!.Thumbprint);

        var (_, _, second) = _certificates.Server("rotating"); // rewrites rotating.pem and rotating.key
        await AwaitAssertAsync(async () =>
        {
            await using var after = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
            Assert.Equal(second.Thumbprint, after.ServerCertificate!.Thumbprint);
        });
        await before.SendAsync("kept\n", Within());
        Assert.Equal("kept", await before.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_changed_certificate_that_fails_to_load_is_logged_and_the_old_one_kept()
    {
        var (certificate, key, first) = _certificates.Server("broken-later");
        var server = await StartServerAsync(Hocon(certificate, key, "tls.reload-check-interval = 0s"));
        _certificates.Write("broken-later.pem", "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        await EventFilter.Warning(contains: "a changed TLS certificate could not be loaded").ExpectAsync(1, async () =>
        {
            await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
            Assert.Equal(first.Thumbprint, client.ServerCertificate!.Thumbprint);
        });
        await using var again = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await again.SendAsync("still the old certificate\n", Within());
        Assert.Equal("still the old certificate", await again.ReadLineAsync(Within()));
    }

    [Fact]
    public void A_missing_certificate_file_is_a_configuration_error()
    {
        var error = Assert.Throws<AkkaTcp.Configuration.InvalidConfigException>(() =>
            LoadSettings("""akka-tcp.servers.main.tls { enabled = on, certificate = "/nonexistent/cert.pem", key = "/nonexistent/key.pem" }"""));
        Assert.Contains("akka-tcp.servers.main.tls.certificate", error.Message);
    }

    [Fact]
    public async Task A_graceful_close_sends_close_notify_before_the_fin()
    {
        var server = await StartTlsServerAsync();
        await using var client = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await client.SendAsync("bye\n", Within());
        Assert.Equal("bye", await client.ReadLineAsync(Within()));
        client.Socket.Shutdown(SocketShutdown.Send); // the client's FIN
        // SslStream reads close_notify as a clean end (0 bytes); a FIN without it would throw.
        Assert.Equal("", await client.ReadToEndAsync(Within()));
        await AwaitClosedAsync(server, CloseReason.PeerClosed, 1);
    }

    [ToolFact(ExternalTools.Openssl)]
    public async Task Openssl_s_client_is_served()
    {
        var server = await StartTlsServerAsync();
        using var openssl = SClient(server, "-verify_return_error -quiet -no_ign_eof -tls1_3");
        var stderr = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardInput.WriteAsync("from openssl\n");
        await openssl.StandardInput.FlushAsync();
        Assert.Equal("from openssl", await openssl.StandardOutput.ReadLineAsync(Within()));
        openssl.StandardInput.Close(); // s_client sends close_notify and exits
        await openssl.WaitForExitAsync(Within());
        Assert.True(openssl.ExitCode == 0, await stderr);
    }

    [ToolFact(ExternalTools.Openssl)]
    public async Task Tls13_key_updates_from_openssl_keep_the_echo_going()
    {
        var server = await StartTlsServerAsync();
        // Without -quiet, a line "k" sends a KeyUpdate and "K" one that asks the server for its
        // own; s_client reports each on stderr, and takes a command only as a read of its own.
        using var openssl = SClient(server, "-tls1_3");
        async Task SendAndSeeAsync(string input, StreamReader output, string expected)
        {
            await openssl.StandardInput.WriteAsync(input + "\n");
            await openssl.StandardInput.FlushAsync();
            while (await output.ReadLineAsync(Within()) is { } line && line != expected)
            {
            }
        }
        await SendAndSeeAsync("before", openssl.StandardOutput, "before");
        await SendAndSeeAsync("k", openssl.StandardError, "KEYUPDATE");
        await SendAndSeeAsync("after my key update", openssl.StandardOutput, "after my key update");
        await SendAndSeeAsync("K", openssl.StandardError, "KEYUPDATE");
        await SendAndSeeAsync("after both key updates", openssl.StandardOutput, "after both key updates");
        openssl.StandardInput.Close();
        var rest = openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync(Within());
        await rest;
        await AwaitClosedAsync(server, CloseReason.PeerClosed, 1);
    }

    [ToolFact(ExternalTools.Openssl)]
    public async Task A_renegotiation_request_closes_that_connection_cleanly_without_an_error()
    {
        var server = await StartTlsServerAsync();
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Akka.Event.Error));
        // Without -quiet, a line "R" asks s_client to renegotiate (TLS 1.2 only); the server refuses.
        using var openssl = SClient(server, "-tls1_2");
        var stderr = openssl.StandardError.ReadToEndAsync();
        await openssl.StandardInput.WriteAsync("before\n");
        await openssl.StandardInput.FlushAsync();
        while (await openssl.StandardOutput.ReadLineAsync(Within()) is { } line && line != "before")
        {
        }
        await openssl.StandardInput.WriteAsync("R\n");
        await openssl.StandardInput.FlushAsync();
        await openssl.StandardOutput.ReadToEndAsync(Within()); // the server closed the connection
        await AwaitClosedAsync(server, CloseReason.ProtocolError, 1);
        errors.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        openssl.StandardInput.Close();
        await openssl.WaitForExitAsync(Within());
        await stderr;

        await using var next = await TlsLineClient.ConnectAsync(server.LocalEndPoint, _certificates.Ca, Within());
        await next.SendAsync("next\n", Within());
        Assert.Equal("next", await next.ReadLineAsync(Within()));
    }

    /// <summary>openssl s_client to the server, trusting the test CA, its three streams redirected.</summary>
    private System.Diagnostics.Process SClient(AkkaTcpServer server, string options) =>
        System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("openssl",
            $"s_client -connect 127.0.0.1:{server.LocalEndPoint.Port} -servername localhost -CAfile {_certificates.CaPem} {options}")
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;

    public new void Dispose()
    {
        _certificates.Dispose();
        base.Dispose();
    }
}
