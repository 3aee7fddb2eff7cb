using System.Text;
using System.Text.Unicode;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// The one rule for what a client may name a file: a single path segment of 1–255 UTF-8 bytes
/// with no '/', '\', "..", NUL, control characters (C0 or C1) or spaces, not starting with a dot (hidden
/// names are the server's own: temporary uploads and checksum records live under them).
/// </summary>
internal static class FileNames
{
    public const int MaxBytes = 255;

    public static bool TryParse(ReadOnlySpan<byte> name, out string parsed)
    {
        parsed = "";
        if (name.Length is 0 or > MaxBytes || name[0] == (byte)'.' || name.IndexOf(".."u8) >= 0 || !Utf8.IsValid(name))
            return false;
        foreach (var b in name)
        {
            if (b < 0x20 || b == 0x7F || b == (byte)'/' || b == (byte)'\\' || b == (byte)' ')
                return false;
        }
        parsed = Encoding.UTF8.GetString(name);
        foreach (var c in parsed)
        {
            if (char.IsControl(c)) // C1 controls (U+0080-U+009F, e.g. U+0085 NEL) as well as C0
                return false;
        }
        return true;
    }
}
