using RtsApp.Infrastructure.Network;

namespace RtsApp.Features.Callbacks;

/// <summary>Which callback targets are acceptable (SPEC §9): <see cref="PublicAddressGuard"/>'s rule, under the name the
/// link validators use. <see cref="Check"/> is the syntactic check made when a link is created; the callback handler
/// (<see cref="CallbackSender.CreateHandler"/>) applies the rule again to every resolved address when a callback is sent.</summary>
public static class CallbackUrlGuard
{
    /// <summary>Null when <paramref name="url"/> is acceptable, else a short reason; private networks are allowed in
    /// Development or with <c>Rts:Callbacks:AllowPrivateNetworks</c> (<see cref="CallbackOptions.AllowPrivateNetworks"/>).</summary>
    public static string? Check(string url, bool allowPrivateNetworks) => PublicAddressGuard.CheckUrl(url, allowPrivateNetworks);
}
