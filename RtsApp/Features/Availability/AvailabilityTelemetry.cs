using RtsApp.Infrastructure.Telemetry;

namespace RtsApp.Features.Availability;

/// <summary>Measures the availability endpoints around their handlers (<see cref="RtsTelemetry.StartAvailability"/>):
/// the time to an answer, and how many periods, slots or sequences it holds.</summary>
public static class AvailabilityTelemetry
{
    public static TBuilder Measured<TBuilder>(this TBuilder endpoint, string operation) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            using var op = RtsTelemetry.StartAvailability(operation);
            var result = await next(context);
            (op.Outcome, op.Count) = Reply(result) switch
            {
                PeriodsReply p => (RtsTelemetry.Outcomes.Ok, p.AvailablePeriods.Count),
                SlotsReply s => (RtsTelemetry.Outcomes.Ok, s.AvailableSlots.Count),
                SequencesReply q => (RtsTelemetry.Outcomes.Ok, q.Sequences.Count),
                _ => (RtsTelemetry.Outcomes.Invalid, (int?)null),
            };
            return result;
        });

    private static object? Reply(object? result) => result switch
    {
        INestedHttpResult nested => Reply(nested.Result),
        IValueHttpResult value => value.Value,
        _ => null,
    };
}
