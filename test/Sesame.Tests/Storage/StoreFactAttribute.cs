using Sesame.Tests.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Sesame.Tests.Storage;

/// <summary>
/// A storage contract rule. The rule is written once, in <see cref="StoreContractTests"/>, and runs once per engine's
/// subclass; a subclass marked <see cref="NeedsPostgresAttribute"/> is skipped, with the reason, where no PostgreSQL
/// cluster is set (and runs, to fail, under CI), as <see cref="PostgresFactAttribute"/> tests are.
/// </summary>
[XunitTestCaseDiscoverer("Sesame.Tests.Storage.StoreFactDiscoverer", "Sesame.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The theory form of <see cref="StoreFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Sesame.Tests.Storage.StoreTheoryDiscoverer", "Sesame.Tests")]
public sealed class StoreTheoryAttribute : TheoryAttribute;

/// <summary>Marks a contract subclass whose engine is the PostgreSQL test cluster.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsPostgresAttribute : Attribute;

public sealed class StoreFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    private readonly IMessageSink _sink = sink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        StoreSkip.Reason(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class StoreTheoryDiscoverer(IMessageSink sink) : TheoryDiscoverer(sink)
{
    private readonly IMessageSink _sink = sink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        StoreSkip.Reason(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class StoreSkip
{
    public static string? Reason(ITestMethod testMethod) =>
        testMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsPostgresAttribute)).Any() ? PostgresTestDatabase.SkipReason : null;
}
