using System.Security.Authentication;
using System.Text;
using AkkaTcp.Configuration;
using AkkaTcp.Tests.Support;
using AkkaTcp.TransportStages;
using Xunit;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>
/// The TLS stage without sockets: a server and a client channel handing ciphertext to each other
/// one byte at a time, so every record and handshake message arrives split at every boundary, and
/// every step completes inside the call that fed it (the test runs under xunit's synchronization
/// context, which the stage must not let SslStream capture).
/// </summary>
public sealed class TlsChannelTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    private (TlsChannel Server, TlsChannel Client) Open()
    {
        var (certificate, key, _) = _certificates.Server("server");
        var certificates = ServerCertificates.Load([new CertificateFiles(certificate, key, "", [], "tls.certificate")],
            SslProtocols.Tls12 | SslProtocols.Tls13, ClientCertificateMode.None, null, TimeSpan.Zero, "tls.certificate");
        var server = new TlsChannel();
        server.StartServer(ServerCertificates.SelectOptions, certificates);
        var client = new TlsChannel();
        client.StartClient(TlsLineClient.ClientOptions(_certificates.Ca, "localhost"));
        for (var flight = 0; flight < 4 && !(server.IsOpen && client.IsOpen); flight++)
        {
            Pump(client, server);
            Pump(server, client);
        }
        Assert.True(server.IsOpen && client.IsOpen, $"handshake: server {server.Failure}, client {client.Failure}");
        return (server, client);
    }

    /// <summary>Moves what <paramref name="from"/> has to send into <paramref name="to"/>, one byte per call.</summary>
    private static void Pump(TlsChannel from, TlsChannel to)
    {
        foreach (var b in from.TakeWireOutput().ToArray())
            to.Receive([b]);
    }

    private static string ReadAll(TlsChannel channel)
    {
        var text = new StringBuilder();
        while (channel.TryRead(out var plaintext))
            text.Append(Encoding.UTF8.GetString(plaintext));
        return text.ToString();
    }

    [Fact]
    public void Records_split_at_every_byte_decrypt_whole_in_both_directions()
    {
        var (server, client) = Open();
        using var _ = server;
        using var __ = client;
        var received = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(client.Write(Encoding.UTF8.GetBytes($"request {i}\n")));
            foreach (var b in client.TakeWireOutput().ToArray())
            {
                server.Receive([b]);
                received.Append(ReadAll(server));
            }
        }
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"request {i}\n")), received.ToString());

        var big = new string('x', 100_000);
        Assert.True(server.Write(Encoding.UTF8.GetBytes(big)));
        Pump(server, client);
        Assert.Equal(big, ReadAll(client));
    }

    [Fact]
    public void Close_notify_ends_the_peer_s_plaintext()
    {
        var (server, client) = Open();
        using var _ = server;
        using var __ = client;
        client.Shutdown();
        Pump(client, server);
        Assert.Equal("", ReadAll(server));
        Assert.True(server.Ended);
        Assert.Null(server.Failure);
    }

    [Fact]
    public void A_record_that_does_not_decrypt_fails_the_session_without_throwing()
    {
        var (server, client) = Open();
        using var _ = server;
        using var __ = client;
        server.Receive([0x17, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5]);
        Assert.Equal("", ReadAll(server));
        Assert.True(server.Ended);
        Assert.NotNull(server.Failure);
        Assert.False(server.Write("after"u8));
    }

    public void Dispose() => _certificates.Dispose();
}
