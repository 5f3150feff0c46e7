using Bridge.Yarn.Protocol;
using Bridge.Yarn.Protocol.Conversion;
using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Tests;

public class SubmissionConversionTests
{
    private const string Field = "application_submission_context";

    private static ApplicationSubmissionContextProto Minimal()
    {
        var spec = new ContainerLaunchContextProto();
        spec.Command.Add("/bin/true");
        return new ApplicationSubmissionContextProto
        {
            ApplicationId = new ApplicationId(1, 1).ToProto(),
            AmContainerSpec = spec,
        };
    }

    [Fact]
    public void Minimal_GetsHadoopsDefaults()
    {
        var s = Minimal().ToRecord("alice", Field);

        Assert.Equal("N/A", s.Submission.Name);
        Assert.Equal("default", s.Submission.Queue);
        Assert.Equal("YARN", s.Submission.ApplicationType);
        Assert.Equal("alice", s.Submission.User);
        Assert.Equal(0, s.Submission.Priority);
        Assert.Null(s.Submission.MaxAppAttempts);
        Assert.Equal(new Resource(1024, 1), s.Submission.AmResource);
        Assert.Equal(["/bin/true"], s.Submission.AmContainerSpec!.Commands);
        Assert.Empty(s.Unsupported);
        Assert.Empty(s.ApplicationTags);
    }

    [Fact]
    public void Full_IsCarriedOver()
    {
        var p = Minimal();
        p.ApplicationName = "wc";
        p.Queue = "batch";
        p.Priority = new PriorityProto { Priority = 5 };
        p.MaxAppAttempts = 1;
        p.Resource = new ResourceProto { Memory = 2048, VirtualCores = 2 };
        p.ApplicationType = "MAPREDUCE";
        p.ApplicationTags.Add(" Nightly ");
        p.ApplicationTags.Add("nightly");
        p.AmContainerSpec.Environment.Add(new StringStringMapProto { Key = "A", Value = "1" });
        p.AmContainerSpec.LocalResources.Add(new StringLocalResourceMapProto
        {
            Key = "app.jar",
            Value = new LocalResourceProto
            {
                Resource = new URLProto { Scheme = "file", File = "/tmp/app.jar" },
                Type = LocalResourceTypeProto.File,
                Visibility = LocalResourceVisibilityProto.Application,
                Size = 10,
                Timestamp = 20,
            },
        });

        var s = p.ToRecord("bob", Field);

        Assert.Equal(("wc", "batch", 5, 1, "MAPREDUCE"), (s.Submission.Name, s.Submission.Queue, s.Submission.Priority, s.Submission.MaxAppAttempts, s.Submission.ApplicationType));
        Assert.Equal(new Resource(2048, 2), s.Submission.AmResource);
        Assert.Equal(["nightly"], s.ApplicationTags);
        Assert.Equal("1", s.AmContainerSpec.Environment["A"]);
        Assert.Equal("1", s.Submission.AmContainerSpec!.Environment["A"]);
        var jar = s.AmContainerSpec.LocalResources["app.jar"];
        Assert.Equal(new Uri("file:///tmp/app.jar"), jar.Url);
        Assert.Equal((LocalResourceType.File, LocalResourceVisibility.Application, 10L, 20L), (jar.Type, jar.Visibility, jar.Size, jar.Timestamp));
    }

    [Fact]
    public void UnmanagedAm_IsRefused()
    {
        var p = Minimal();
        p.UnmanagedAm = true;

        var e = Assert.Throws<InvalidMessageException>(() => p.ToRecord("u", Field));

        Assert.Equal($"{Field}.unmanaged_am", e.Field);
    }

    [Fact]
    public void FieldsNotHonoured_AreReported()
    {
        var p = Minimal();
        p.KeepContainersAcrossApplicationAttempts = true;
        p.AttemptFailuresValidityInterval = 60000;
        p.NodeLabelExpression = "gpu";
        p.CancelTokensWhenComplete = false;

        var s = p.ToRecord("u", Field);

        Assert.Equal(4, s.Unsupported.Count);
        Assert.Contains(s.Unsupported, n => n.StartsWith($"{Field}.keep_containers_across_application_attempts: true is not honoured", StringComparison.Ordinal));
        Assert.Contains(s.Unsupported, n => n.StartsWith($"{Field}.attempt_failures_validity_interval: 60000 ms", StringComparison.Ordinal));
        Assert.Contains(s.Unsupported, n => n.StartsWith($"{Field}.node_label_expression: 'gpu'", StringComparison.Ordinal));
        Assert.Contains(s.Unsupported, n => n.StartsWith($"{Field}.cancel_tokens_when_complete: false", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nospec", "application_submission_context.am_container_spec: is missing")]
    [InlineData("nocommand", "application_submission_context.am_container_spec.command: is empty: the AM container must run a command")]
    [InlineData("noid", "application_submission_context.application_id: is missing")]
    [InlineData("attempts", "application_submission_context.maxAppAttempts: -1 is negative")]
    [InlineData("env", "application_submission_context.am_container_spec.environment[1].key: 'X' is given twice")]
    [InlineData("link", "application_submission_context.am_container_spec.localResources[0].key: '../x' must name a file below the working directory (no '.', '..' or empty segments)")]
    [InlineData("url", "application_submission_context.am_container_spec.localResources[0].value.resource.scheme: is empty")]
    [InlineData("type", "application_submission_context.am_container_spec.localResources[0].value.type: is missing (ARCHIVE, FILE or PATTERN)")]
    public void Invalid_NamesTheField(string what, string message)
    {
        var p = Minimal();
        var resource = new LocalResourceProto
        {
            Resource = new URLProto { Scheme = "file", File = "/x" },
            Type = LocalResourceTypeProto.File,
            Visibility = LocalResourceVisibilityProto.Public,
        };
        switch (what)
        {
            case "nospec": p.AmContainerSpec = null; break;
            case "nocommand": p.AmContainerSpec.Command.Clear(); break;
            case "noid": p.ApplicationId = null; break;
            case "attempts": p.MaxAppAttempts = -1; break;
            case "env":
                p.AmContainerSpec.Environment.Add(new StringStringMapProto { Key = "X", Value = "1" });
                p.AmContainerSpec.Environment.Add(new StringStringMapProto { Key = "X", Value = "2" });
                break;
            case "link": p.AmContainerSpec.LocalResources.Add(new StringLocalResourceMapProto { Key = "../x", Value = resource }); break;
            case "url":
                resource.Resource.Scheme = "";
                p.AmContainerSpec.LocalResources.Add(new StringLocalResourceMapProto { Key = "x", Value = resource });
                break;
            case "type":
                resource.ClearType();
                p.AmContainerSpec.LocalResources.Add(new StringLocalResourceMapProto { Key = "x", Value = resource });
                break;
        }

        var e = Assert.Throws<InvalidMessageException>(() => p.ToRecord("u", Field));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Tags_MoreThanTen_AreRefused()
    {
        var p = Minimal();
        p.ApplicationTags.AddRange(Enumerable.Range(0, 11).Select(i => $"t{i}"));

        var e = Assert.Throws<InvalidMessageException>(() => p.ToRecord("u", Field));

        Assert.Equal($"{Field}.applicationTags: 11 tags, more than 10", e.Message);
    }

    [Fact]
    public void LaunchContext_RoundTrips()
    {
        var context = new ContainerLaunchContext(
            ["echo", "hi"],
            new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" },
            new Dictionary<string, LocalResource>
            {
                ["lib/dep.zip"] = new(new Uri("hdfs://nn:9000/user/a/dep.zip"), LocalResourceType.Archive, LocalResourceVisibility.Private, 100, 200),
                ["job.jar"] = new(new Uri("file:///tmp/my%20jobs/job.jar"), LocalResourceType.Pattern, LocalResourceVisibility.Public, -1, -1, "classes/.*"),
            },
            new byte[] { 1, 2, 3 });

        var back = context.ToProto().ToRecord("ctx");

        Assert.Equal(context.Commands, back.Commands);
        Assert.Equal(context.Environment.OrderBy(e => e.Key), back.Environment.OrderBy(e => e.Key));
        Assert.Equal(context.LocalResources.OrderBy(e => e.Key), back.LocalResources.OrderBy(e => e.Key));
        Assert.Equal(context.Tokens.ToArray(), back.Tokens.ToArray());
    }

    [Fact]
    public void Url_InHadoopsParts()
    {
        var proto = new Uri("hdfs://hdfs-namenode:9000/user/test/DistributedShell/demo-app/AppMaster.jar").ToUrlProto();

        Assert.Equal(("hdfs", "hdfs-namenode", 9000, "/user/test/DistributedShell/demo-app/AppMaster.jar"), (proto.Scheme, proto.Host, proto.Port, proto.File));
        Assert.False(new Uri("file:///a").ToUrlProto().HasPort);
    }
}
