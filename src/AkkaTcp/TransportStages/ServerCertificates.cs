using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AkkaTcp.Configuration;

namespace AkkaTcp.TransportStages;

/// <summary>
/// A TLS server's certificates: the default one and those chosen by SNI server name, each with
/// its handshake options built once. Shared by the server's connections (read from any thread):
/// a connection starting its handshake checks, at most once per reload-check-interval, whether a
/// certificate file changed, and if so new handshakes use the reloaded certificate; connections
/// already open keep theirs. A reload that fails (a half-written file) keeps the old certificate.
/// </summary>
internal sealed class ServerCertificates
{
    private readonly IReadOnlyList<CertificateFiles> _files;
    private readonly SslProtocols _protocols;
    private readonly ClientCertificateMode _clientMode;
    private readonly X509Certificate2Collection? _clientCa;
    private readonly long _checkEveryMs;
    private volatile Snapshot _current;
    private long _checkedAt;
    private long[]? _failedStamps; // files that failed to load: not tried (nor logged) again until they change again

    private ServerCertificates(IReadOnlyList<CertificateFiles> files, SslProtocols protocols, ClientCertificateMode clientMode, X509Certificate2Collection? clientCa, TimeSpan checkEvery)
    {
        _files = files;
        _protocols = protocols;
        _clientMode = clientMode;
        _clientCa = clientCa;
        _checkEveryMs = (long)checkEvery.TotalMilliseconds;
        _current = Build(Stamps());
        _checkedAt = Environment.TickCount64;
    }

    /// <summary>Called (from any connection's thread) with the reason a changed certificate could not be loaded.</summary>
    public Action<string>? ReloadFailed { get; set; }

    /// <summary>The server-side handshake's option selection: by the client's SNI name.</summary>
    public static readonly ServerOptionsSelectionCallback SelectOptions = static (_, hello, state, _) =>
        new ValueTask<SslServerAuthenticationOptions>(((ServerCertificates)state!).OptionsFor(hello.ServerName));

    public static ServerCertificates Load(IReadOnlyList<CertificateFiles> files, SslProtocols protocols, ClientCertificateMode clientMode, string? clientCaPath, TimeSpan checkEvery, string configKey)
    {
        X509Certificate2Collection? clientCa = null;
        try
        {
            if (clientCaPath is not null)
            {
                clientCa = new X509Certificate2Collection();
                clientCa.ImportFromPemFile(clientCaPath);
            }
            return new ServerCertificates(files, protocols, clientMode, clientCa, checkEvery);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidConfigException(configKey, null, $"cannot load the TLS certificate: {e.Message}");
        }
    }

    /// <summary>Checks the files if the interval has passed, then picks the options for this SNI name (null or unknown: the default certificate).</summary>
    public SslServerAuthenticationOptions OptionsFor(string? serverName)
    {
        ReloadIfChanged();
        var snapshot = _current;
        if (!string.IsNullOrEmpty(serverName) && snapshot.ByName.Count > 0)
        {
            if (snapshot.ByName.TryGetValue(serverName, out var exact))
                return exact;
            var dot = serverName.IndexOf('.');
            if (dot > 0 && snapshot.ByName.TryGetValue("*" + serverName[dot..], out var wildcard))
                return wildcard;
        }
        return snapshot.Default;
    }

    private void ReloadIfChanged()
    {
        var now = Environment.TickCount64;
        var checkedAt = Interlocked.Read(ref _checkedAt);
        if (now - checkedAt < _checkEveryMs || Interlocked.CompareExchange(ref _checkedAt, now, checkedAt) != checkedAt)
            return; // checked recently, or another connection is checking now
        long[] stamps = [];
        try
        {
            stamps = Stamps();
            if (stamps.AsSpan().SequenceEqual(_current.Stamps) || stamps.AsSpan().SequenceEqual(_failedStamps))
                return;
            _current = Build(stamps);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidConfigException)
        {
            _failedStamps = stamps;
            ReloadFailed?.Invoke(e.Message);
        }
    }

    private long[] Stamps()
    {
        var stamps = new long[_files.Count];
        for (var i = 0; i < _files.Count; i++)
            stamps[i] = _files[i].Stamp();
        return stamps;
    }

    private Snapshot Build(long[] stamps)
    {
        SslServerAuthenticationOptions? fallback = null;
        var byName = new Dictionary<string, SslServerAuthenticationOptions>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _files.Count; i++)
        {
            var (certificate, chain) = _files[i].Load();
            var options = new SslServerAuthenticationOptions
            {
                // offline: never fetch intermediates over the network during a handshake.
                ServerCertificateContext = SslStreamCertificateContext.Create(certificate, chain, offline: true),
                EnabledSslProtocols = _protocols,
                ClientCertificateRequired = _clientMode != ClientCertificateMode.None,
                RemoteCertificateValidationCallback = _clientMode == ClientCertificateMode.None ? null : ValidateClient,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                AllowRenegotiation = false,
            };
            if (_files[i].ServerNames.Count == 0)
                fallback = options;
            foreach (var name in _files[i].ServerNames)
                byName[name] = options;
        }
        return new Snapshot(fallback ?? throw new InvalidOperationException("no default certificate"), byName, stamps);
    }

    /// <summary>A client certificate must chain to client-ca; without one, only optional mode lets the client in.</summary>
    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
            return _clientMode == ClientCertificateMode.Optional;
        var client = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return CustomTrust.Chains(client, _clientCa!, chain?.ChainPolicy.ExtraStore, out _);
    }

    private sealed record Snapshot(SslServerAuthenticationOptions Default, Dictionary<string, SslServerAuthenticationOptions> ByName, long[] Stamps);
}
