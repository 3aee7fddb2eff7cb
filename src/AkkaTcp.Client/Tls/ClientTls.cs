using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AkkaTcp.TransportStages;

namespace AkkaTcp.Client;

/// <summary>
/// Builds a connection's TLS client options from <see cref="ClientTlsSettings"/>, and keeps why
/// the server's certificate was refused, so a failed connect says so in words (expired, wrong
/// name, untrusted) instead of SslStream's "rejected by the validation callback".
/// </summary>
internal sealed class ClientTls
{
    private readonly ClientTlsSettings _settings;
    private readonly X509Certificate2Collection? _trusted;
    private readonly X509Certificate2? _clientCertificate;

    public ClientTls(ClientTlsSettings settings)
    {
        _settings = settings;
        if (settings.Ca.Length > 0)
        {
            _trusted = new X509Certificate2Collection();
            _trusted.ImportFromPemFile(settings.Ca);
        }
        if (settings.ClientCertificate.Length > 0)
        {
            _clientCertificate = settings.ClientKey.Length > 0
                ? X509Certificate2.CreateFromPemFile(settings.ClientCertificate, settings.ClientKey)
                : X509CertificateLoader.LoadPkcs12FromFile(settings.ClientCertificate, settings.ClientPassword.Length == 0 ? null : settings.ClientPassword);
        }
    }

    /// <summary>Options for one handshake; <paramref name="rejection"/> receives the reason if the server's certificate is refused.</summary>
    public SslClientAuthenticationOptions Options(EndPoint remote, Action<string> rejection) => new()
    {
        TargetHost = _settings.ServerName.Length > 0 ? _settings.ServerName : Host(remote),
        EnabledSslProtocols = _settings.Protocols,
        ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            var reason = Validate(certificate as X509Certificate2, chain, errors);
            if (reason is not null)
                rejection(reason);
            return reason is null;
        },
    };

    private static string Host(EndPoint remote) => remote switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => remote.ToString() ?? "",
    };

    /// <summary>Null when the certificate is acceptable, else the reason in words.</summary>
    private string? Validate(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_settings.AllowUntrusted)
            return null;
        if (certificate is null)
            return "the server sent no certificate";
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return $"the server's certificate ({certificate.Subject}) is not valid for the name asked for (server-name)";
        var now = DateTime.Now;
        if (now > certificate.NotAfter)
            return $"the server's certificate expired on {certificate.NotAfter:u}";
        if (now < certificate.NotBefore)
            return $"the server's certificate is not valid before {certificate.NotBefore:u}";
        if (_trusted is null)
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 ? null : Untrusted(CustomTrust.Describe(chain));
        return CustomTrust.Chains(certificate, _trusted, intermediates: null, out var problems) ? null : Untrusted(problems);
    }

    private static string Untrusted(string problems) =>
        $"the server's certificate is not trusted (self-signed or signed by an unknown CA: {problems})";
}
