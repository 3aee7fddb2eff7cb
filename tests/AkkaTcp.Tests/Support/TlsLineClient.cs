using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AkkaTcp.Tests.Support;

/// <summary>A real TLS client (SslStream over a loopback socket) for line protocols.</summary>
public sealed class TlsLineClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;

    private TlsLineClient(Socket socket, SslStream stream)
    {
        _socket = socket;
        Stream = stream;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public SslStream Stream { get; }

    public Socket Socket => _socket;

    public X509Certificate2? ServerCertificate => Stream.RemoteCertificate as X509Certificate2;

    /// <summary>Connects and completes the handshake, trusting only <paramref name="ca"/> (null: any certificate).</summary>
    public static async Task<TlsLineClient> ConnectAsync(IPEndPoint server, X509Certificate2? ca, CancellationToken cancel,
        string serverName = "localhost", SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null, IPAddress? from = null)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
            socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(server, cancel);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await stream.AuthenticateAsClientAsync(ClientOptions(ca, serverName, protocols, clientCertificate), cancel);
        }
        catch
        {
            await stream.DisposeAsync();
            socket.Dispose();
            throw;
        }
        return new TlsLineClient(socket, stream);
    }

    public static SslClientAuthenticationOptions ClientOptions(X509Certificate2? ca, string serverName, SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null) => new()
    {
        TargetHost = serverName,
        EnabledSslProtocols = protocols,
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = ca is null
            ? (_, _, _, _) => true
            : (_, certificate, _, errors) => TrustedBy(ca, certificate, errors),
    };

    /// <summary>Valid for the name (no name mismatch), within its dates, and chaining to <paramref name="ca"/>.</summary>
    public static bool TrustedBy(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build((X509Certificate2)certificate);
    }

    public async Task SendAsync(string text, CancellationToken cancel)
    {
        await Stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
        await Stream.FlushAsync(cancel);
    }

    public async Task<string?> ReadLineAsync(CancellationToken cancel) => await _reader.ReadLineAsync(cancel);

    public async Task<string> ReadToEndAsync(CancellationToken cancel) => await _reader.ReadToEndAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}
