using System.Security.Cryptography;
using System.Text;

namespace RtsApp.Features.Callbacks;

/// <summary>The <c>Cronofy-HMAC-SHA256</c> header (SPEC §9): Base64(HMAC-SHA256(body bytes, client secret)), one value
/// per valid secret, comma-separated (no spaces), current secret first.</summary>
public static class CallbackSigner
{
    public const string SignatureHeader = "Cronofy-HMAC-SHA256";
    public const string DeliveryIdHeader = "Rts-Delivery-Id";

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string Header(ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        var values = new List<string>();
        foreach (var secret in secrets) values.Add(Sign(body, secret));
        return string.Join(",", values);
    }
}
