using System.Text;
using RtsApp.Features.Callbacks;

namespace RtsApp.Tests.Features.Callbacks;

public sealed class CallbackSignerTests
{
    private static readonly byte[] KnownBody = Encoding.UTF8.GetBytes("""{"example":"well-known"}""");

    [Fact]
    public void Sign_KnownVector() =>
        CallbackSigner.Sign(KnownBody, "pDY0Oi7TJSP2hfNmZNkm5").ShouldBe("6r2/HjBkqymGegX0wOfifieeUXbbHwtV/LohHS+jv6c=");

    [Fact]
    public void Header_TwoSecrets_CommaSeparatedCurrentFirst() =>
        CallbackSigner.Header(KnownBody, ["pDY0Oi7TJSP2hfNmZNkm5", "other"])
            .ShouldBe("6r2/HjBkqymGegX0wOfifieeUXbbHwtV/LohHS+jv6c=," + CallbackSigner.Sign(KnownBody, "other"));

    [Fact]
    public void Sign_OtherBody_Differs() =>
        CallbackSigner.Sign(Encoding.UTF8.GetBytes("""{"example":"well-known" }"""), "pDY0Oi7TJSP2hfNmZNkm5")
            .ShouldNotBe("6r2/HjBkqymGegX0wOfifieeUXbbHwtV/LohHS+jv6c=");
}
