using System.Reflection;
using RtsApp.Scheduling;

namespace RtsApp.Tests.Scheduling;

/// <summary>The engine stays pure: nothing in RtsApp.Scheduling touches EF Core, ASP.NET Core or the clock; RtsApp.ICalendar
/// depends on the BCL and NodaTime only.</summary>
public class ArchitectureTests
{
    private static readonly string[] ForbiddenAssemblyPrefixes = ["Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Microsoft.Extensions"];
    private static readonly Type[] ForbiddenTypes = [typeof(DateTime), typeof(DateTimeOffset), typeof(TimeProvider), typeof(NodaTime.IClock), typeof(NodaTime.SystemClock)];

    private static IEnumerable<Type> EngineTypes() => typeof(AvailabilityEngine).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(AvailabilityEngine).Namespace);

    /// <summary>Every type a member signature, base type, interface or attribute of <paramref name="type"/> mentions.</summary>
    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }
        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }
        foreach (var a in type.GetCustomAttributesData())
        {
            yield return a.AttributeType;
        }
        foreach (var f in type.GetFields(all))
        {
            yield return f.FieldType;
        }
        foreach (var p in type.GetProperties(all))
        {
            yield return p.PropertyType;
        }
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo method)
            {
                yield return method.ReturnType;
            }
            foreach (var p in m.GetParameters())
            {
                yield return p.ParameterType;
            }
            foreach (var local in m.GetMethodBody()?.LocalVariables ?? [])
            {
                yield return local.LocalType;
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        var element = type.HasElementType ? type.GetElementType() : null;
        var inner = type.IsGenericType ? type.GetGenericArguments() : [];
        foreach (var t in (element is null ? inner : [element, .. inner]).SelectMany(Unwrap))
        {
            yield return t;
        }
    }

    [Fact]
    public void EngineTypes_ReferenceNoWebStoreOrClockTypes()
    {
        EngineTypes().ShouldNotBeEmpty();
        var offenders = EngineTypes()
            .SelectMany(t => SignatureTypes(t).SelectMany(Unwrap).Select(used => (t, used)))
            .Where(x => ForbiddenTypes.Contains(x.used)
                || ForbiddenAssemblyPrefixes.Any(p => x.used.Assembly.GetName().Name!.StartsWith(p, StringComparison.Ordinal)))
            .Select(x => $"{x.t.FullName} uses {x.used.FullName}")
            .Distinct()
            .ToList();

        offenders.ShouldBeEmpty();
    }

    private static readonly string[] ICalendarAllowedAssemblies = ["System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq",
        "System.Memory", "System.Text.Encoding.Extensions", "System.Runtime.InteropServices", "NodaTime"];

    [Fact]
    public void ICalendarTypes_ReferenceOnlyTheBclAndNodaTime()
    {
        var ns = typeof(RtsApp.ICalendar.IcsReader).Namespace!;
        var types = typeof(RtsApp.ICalendar.IcsReader).Assembly.GetTypes()
            .Where(t => t.Namespace == ns || (t.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) ?? false)).ToList();
        types.ShouldNotBeEmpty();
        var offenders = types
            .SelectMany(t => SignatureTypes(t).SelectMany(Unwrap).Select(used => (t, used)))
            .Where(x => ForbiddenTypes.Contains(x.used)
                || x.used.FullName?.StartsWith("System.Net", StringComparison.Ordinal) == true
                || x.used.FullName?.StartsWith("System.IO", StringComparison.Ordinal) == true
                || (x.used.Assembly == typeof(RtsApp.ICalendar.IcsReader).Assembly && x.used.Namespace is { } n && n != ns && !n.StartsWith(ns + ".", StringComparison.Ordinal))
                || (x.used.Assembly != typeof(RtsApp.ICalendar.IcsReader).Assembly && !ICalendarAllowedAssemblies.Contains(x.used.Assembly.GetName().Name)))
            .Select(x => $"{x.t.FullName} uses {x.used.FullName} ({x.used.Assembly.GetName().Name})")
            .Distinct()
            .ToList();

        offenders.ShouldBeEmpty();
    }
}
