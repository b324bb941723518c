using Xunit.Abstractions;
using Xunit.Sdk;

namespace OrleansChat.Tests.Storage.Infrastructure;

/// <summary>
/// MongoDB cannot run on the build machines, so tests against a real one run only where
/// <c>MONGO_URL</c> points at a server (e.g. inside the compose stack).
/// </summary>
public static class MongoTestEnvironment
{
    public const string Variable = "MONGO_URL";

    public static string? Url => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url : null;

    /// <summary>Why MongoDB tests are skipped here, or null when they run.</summary>
    public static string? SkipReason => Url is null
        ? $"{Variable} is unset and no MongoDB can run on this machine; set {Variable}=mongodb://host:27017 to run the MongoDB tests"
        : null;
}

/// <summary>A fact that needs a real MongoDB: skipped, with the reason, when <c>MONGO_URL</c> is unset.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MongoFactAttribute : FactAttribute
{
    public MongoFactAttribute()
    {
        if (MongoTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Marks a store test class whose inherited <see cref="StoreFactAttribute"/> facts need a real MongoDB.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresMongoAttribute : Attribute;

/// <summary>
/// A fact of a contract suite written once and run by one subclass per store. The skip is decided
/// per concrete class: only a class marked <see cref="RequiresMongoAttribute"/> can skip, and only
/// when <c>MONGO_URL</c> is unset.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("OrleansChat.Tests.Storage.Infrastructure.StoreFactDiscoverer", "Orleans.Chat.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var needsMongo = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresMongoAttribute)).Any();
        return (needsMongo ? MongoTestEnvironment.SkipReason : null) ?? base.GetSkipReason(factAttribute);
    }
}
