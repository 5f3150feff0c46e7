using Bridge.Traces.Alibaba;

namespace Bridge.Traces.Tests;

public class AlibabaBatchTasksParseTests
{
    [Fact]
    public void ParseLine_FullRow_TypedInDocumentedUnits()
    {
        var line = AlibabaBatchTasks.ParseLine("6459,6524,3,4,15740,Terminated,50,0.007956928", 2);

        var row = Assert.IsType<BatchTaskRow>(line);
        Assert.Equal(new BatchTaskRow(2, 6459, 6524, new BatchJobId(3), new BatchTaskId(4), 15740, BatchTaskStatus.Terminated, 50, 0.007956928), row);
        Assert.Equal(0.5, row.Cpus);
        Assert.Equal(65, row.DurationSeconds);
    }

    [Fact]
    public void ParseLine_NegativeCreateBeforeTraceStart_IsUsed()
    {
        var row = Assert.IsType<BatchTaskRow>(AlibabaBatchTasks.ParseLine("-12,40,7,8,1,Failed,100,0.5", 9));
        Assert.Equal(-12, row.CreateSeconds);
        Assert.Equal(52, row.DurationSeconds);
        Assert.Equal(1.0, row.Cpus);
    }

    [Fact]
    public void ParseLine_SpacesAroundFields_AreTrimmed()
    {
        var row = Assert.IsType<BatchTaskRow>(AlibabaBatchTasks.ParseLine(" 1, 2, 3, 4, 5, Running, 75, 0.25 ", 3));
        Assert.Equal(BatchTaskStatus.Running, row.Status);
        Assert.Equal(75, row.CpuHundredths);
    }

    [Fact]
    public void ParseLine_EndEqualsCreate_IsUsedWithZeroDuration()
    {
        var row = Assert.IsType<BatchTaskRow>(AlibabaBatchTasks.ParseLine("10,10,1,1,1,Terminated,50,0.1", 2));
        Assert.Equal(0, row.DurationSeconds);
    }

    [Theory]
    [InlineData("6036,6046,4,7,393,Waiting,,", BatchTaskSkipReason.EmptyRequest, "cpu and memory requests empty")]
    [InlineData("6036,6046,4,7,393,Waiting,50,", BatchTaskSkipReason.EmptyRequest, "memory request empty")]
    [InlineData("6036,6046,4,7,393,Waiting,,0.1", BatchTaskSkipReason.EmptyRequest, "cpu request empty")]
    [InlineData("6046,0,4,7,393,Terminated,50,0.1", BatchTaskSkipReason.EndBeforeCreate, "task_end_time 0 < task_create_time 6046")]
    [InlineData("6036,6046,4,7,393,Terminated,50", BatchTaskSkipReason.WrongColumnCount, "7 fields, expected 8")]
    [InlineData("", BatchTaskSkipReason.WrongColumnCount, "1 fields, expected 8")]
    [InlineData("6036,6046,4,7,393,Terminated,50,0.1,9", BatchTaskSkipReason.WrongColumnCount, "9 fields, expected 8")]
    [InlineData("6036,60x6,4,7,393,Terminated,50,0.1", BatchTaskSkipReason.MalformedNumber, "task_end_time '60x6' is not an integer")]
    [InlineData("6036,6046,4,7,,Terminated,50,0.1", BatchTaskSkipReason.MalformedNumber, "number_of_instances '' is not an integer")]
    [InlineData("6036,6046,4,7,393,Terminated,50.5,0.1", BatchTaskSkipReason.MalformedNumber, "number_of_cpus_requested_per_instance_in_the_task '50.5' is not an integer")]
    [InlineData("6036,6046,4,7,393,Terminated,50,abc", BatchTaskSkipReason.MalformedNumber, "normalized_memory_requested_per_instance_in_the_task 'abc' is not a decimal number")]
    [InlineData("6036,6046,4,7,393,Terminated,50,NaN", BatchTaskSkipReason.MalformedNumber, "normalized_memory_requested_per_instance_in_the_task 'NaN' is not a decimal number")]
    [InlineData("6036,6046,4,7,0,Terminated,50,0.1", BatchTaskSkipReason.OutOfRange, "number_of_instances 0 < 1")]
    [InlineData("6036,6046,4,7,1,Terminated,-5,0.1", BatchTaskSkipReason.OutOfRange, "number_of_cpus_requested_per_instance_in_the_task -5 < 0")]
    [InlineData("6036,6046,4,7,1,Terminated,50,1.5", BatchTaskSkipReason.OutOfRange, "normalized_memory_requested_per_instance_in_the_task 1.5 outside 0..1")]
    [InlineData("6036,6046,4,7,1,terminated,50,0.1", BatchTaskSkipReason.UnknownStatus, "status 'terminated'")]
    [InlineData("6036,6046,4,7,1,3,50,0.1", BatchTaskSkipReason.UnknownStatus, "status '3'")]
    [InlineData("6036,6046,4,7,1,Lost,50,0.1", BatchTaskSkipReason.UnknownStatus, "status 'Lost'")]
    public void ParseLine_UnusableRow_SkippedWithReasonAndDetail(string text, BatchTaskSkipReason reason, string detail)
    {
        var skip = Assert.IsType<BatchTaskSkip>(AlibabaBatchTasks.ParseLine(text, 42));
        Assert.Equal(new BatchTaskSkip(42, reason, detail), skip);
    }

    [Fact]
    public void ParseLine_SeveralProblems_FirstReasonInDocumentedOrder()
    {
        // Empty requests and end < create together: the empty request is reported.
        var skip = Assert.IsType<BatchTaskSkip>(AlibabaBatchTasks.ParseLine("6046,0,4,7,393,Waiting,,", 5));
        Assert.Equal(BatchTaskSkipReason.EmptyRequest, skip.Reason);
    }

    [Fact]
    public void CheckHeader_HeaderAsShipped_Accepted()
    {
        AlibabaBatchTasks.CheckHeader("task_create_time, task_end_time, job_id, task_id,number_of_instances, status, number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task");
    }

    [Theory]
    [InlineData("6459,6524,3,4,15740,Terminated,50,0.007956928", "column 1 is '6459', expected 'task_create_time'")]
    [InlineData("task_create_time,task_end_time,job_id,task_id,number_of_instances,status,number_of_cpus_requested_per_instance_in_the_task", "column 8 is '(missing)'")]
    [InlineData("task_create_time,task_end_time,job_id,task_id,number_of_instances,state,number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task", "column 6 is 'state', expected 'status'")]
    public void CheckHeader_NotTheHeader_ThrowsNamingTheColumn(string line, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => AlibabaBatchTasks.CheckHeader(line));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void CheckHeader_NoLine_Throws()
    {
        Assert.Throws<InvalidDataException>(() => AlibabaBatchTasks.CheckHeader(null));
    }
}
