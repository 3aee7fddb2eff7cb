using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Certificates made at run time (nothing secret is committed): a test CA, server certificates it
/// signs (for localhost and 127.0.0.1 unless other names are given), an expired one, a
/// self-signed one, and client certificates; written as PEM (and PKCS#12) into a temporary
/// directory that is deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("akkatcp-tls-").FullName;

    public TestCertificates(string caName = "AkkaTcp Test CA")
    {
        Ca = MakeCa(caName);
        CaPem = Write("ca.pem", Ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate as a PEM file: what clients trust.</summary>
    public string CaPem { get; }

    public string Directory => _directory;

    /// <summary>A server certificate signed by the CA, written as name.pem + name.key; returns (certificate path, key path, the certificate).</summary>
    public (string Certificate, string Key, X509Certificate2 Cert) Server(string name, string[]? dnsNames = null, DateTimeOffset? notAfter = null, bool selfSigned = false)
    {
        var cert = Issue(name, dnsNames ?? ["localhost"], serverAuth: true, notAfter, selfSigned);
        return (Write(name + ".pem", cert.ExportCertificatePem()), Write(name + ".key", cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()), cert);
    }

    /// <summary>The same as <see cref="Server"/>, as a password-protected PKCS#12 file.</summary>
    public string ServerPkcs12(string name, string password)
    {
        var cert = Issue(name, ["localhost"], serverAuth: true, null, false);
        var path = Path.Combine(_directory, name + ".pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>A client certificate (with its key) signed by this CA.</summary>
    public X509Certificate2 Client(string name) => Issue(name, [], serverAuth: false, null, false);

    /// <summary>A client certificate written as name.pem + name.key; returns the two paths.</summary>
    public (string Certificate, string Key) ClientPem(string name)
    {
        var cert = Client(name);
        return (Write(name + ".pem", cert.ExportCertificatePem()), Write(name + ".key", cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem()));
    }

    private X509Certificate2 Issue(string name, string[] dnsNames, bool serverAuth, DateTimeOffset? notAfter, bool selfSigned)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames)
                san.AddDnsName(dns);
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        var start = end < DateTimeOffset.UtcNow ? end.AddDays(-30) : DateTimeOffset.UtcNow.AddMinutes(-5);
        if (selfSigned)
            return request.CreateSelfSigned(start, end);
        var serial = RandomNumberGenerator.GetBytes(16);
        using var issued = request.Create(Ca, start, end, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>Writes a file in the directory (atomically: a reader never sees half of it) and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
