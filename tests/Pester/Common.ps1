# Shared by the UpstartPS Pester suites: find the packaged module and the daemon, run a session daemon
# on a private directory (through the one real-daemon fixture, DaemonFixture), write job files.
# Dot-source it inside BeforeAll, never at discovery.

# Every cmdlet that blocks gets a bound, so a daemon that never gets there fails one test in seconds
# instead of hanging the run (a test may still pass its own, shorter -Timeout).
$PSDefaultParameterValues = @{
    'Start-UpstartJob:Timeout'   = 30
    'Stop-UpstartJob:Timeout'    = 30
    'Restart-UpstartJob:Timeout' = 30
    'Send-UpstartEvent:Timeout'  = 30
    'Wait-UpstartJob:Timeout'    = 30
    'Watch-UpstartEvent:Timeout' = 30
}

function Get-UpstartTestModulePath {
    if ($env:UPSTARTPS_MODULE) { return $env:UPSTARTPS_MODULE }
    Join-Path $PSScriptRoot '../../out/UpstartPS/UpstartPS.psd1'
}

function Get-UpstartTestHostPath {
    if ($env:UPSTARTPS_HOST) { return $env:UPSTARTPS_HOST }
    Join-Path $PSScriptRoot '../../src/UpstartHost/bin/Debug/net10.0/upstart-host'
}

function New-UpstartTestJob {
    # Writes JOBDIR/NAME.conf (and NAME.override when -Override is given).
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Text,
        [string] $Override
    )
    $null = New-Item -ItemType Directory -Path $Directory -Force
    Set-Content -LiteralPath (Join-Path $Directory "$Name.conf") -Value $Text
    if ($Override) {
        Set-Content -LiteralPath (Join-Path $Directory "$Name.override") -Value $Override
    }
    Join-Path $Directory "$Name.conf"
}

function New-UpstartTestDirectory {
    # A private directory outside TestDrive: Pester 5 deletes what a Context created in TestDrive when that
    # Context ends, which would pull a running daemon's logs and state from under it.
    $path = Join-Path ([IO.Path]::GetTempPath()) ('upstartps-pester-' + [Guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $path -Force
    $path
}

function Get-UpstartTestSupportPath {
    # The one real-daemon fixture (tests/UpstartPS.TestSupport), the same the xunit tests and benchmarks use.
    if ($env:UPSTARTPS_TEST_SUPPORT) { return $env:UPSTARTPS_TEST_SUPPORT }
    Join-Path $PSScriptRoot '../UpstartPS.TestSupport/bin/Debug/net10.0/UpstartPS.TestSupport.dll'
}

function Start-UpstartTestDaemon {
    <#
        Starts `upstart-host --session` on JobDirectory through DaemonFixture (UpstartPS.TestSupport.dll, loaded
        here), with every directory private to the test: XDG directories under StateDirectory, logs and state
        in the fixture's own directory, and the socket under a short runtime directory (sun_path holds about
        108 bytes) at the place session discovery looks ($XDG_RUNTIME_DIR/upstartps/control.sock). The fixture
        waits until the daemon answers; this points $env:UPSTARTPS_SOCKET at it and returns an object for
        Stop-UpstartTestDaemon (Fixture.DaemonOutput holds what the daemon logged). -ReloadDebounceMilliseconds
        stretches the daemon's inotify quiet period so a test, not the watcher, decides when the configuration
        is re-read. -ControlIdleTimeoutSeconds shortens how long the daemon keeps a connection with nothing in flight.
        -ReadyByNotify waits for the daemon's READY=1 instead of its first answer: READY=1 follows the whole of its
        start, the session file (upstart/sessions/PID.session under Fixture.RuntimeDir) included.
    #>
    param(
        [Parameter(Mandatory)] [string] $JobDirectory,
        [string] $StateDirectory = (New-UpstartTestDirectory),
        [int] $ReloadDebounceMilliseconds = 100,
        [int] $ControlIdleTimeoutSeconds = 0,
        [switch] $ReadyByNotify
    )

    $runtime = Join-Path '/tmp' ('ups-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $runtime -Force
    if ($IsLinux) { chmod 700 $runtime }
    $saved = @{}
    $private = @{
        XDG_RUNTIME_DIR = $runtime
        XDG_CONFIG_HOME = Join-Path $StateDirectory 'config'
        XDG_STATE_HOME  = Join-Path $StateDirectory 'state'
        XDG_DATA_HOME   = Join-Path $StateDirectory 'data'
        XDG_CACHE_HOME  = Join-Path $StateDirectory 'cache'
    }
    foreach ($name in @($private.Keys) + 'UPSTARTPS_SOCKET') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    foreach ($name in $private.Keys) {
        $null = New-Item -ItemType Directory -Path $private[$name] -Force
        [Environment]::SetEnvironmentVariable($name, $private[$name])
    }
    [Environment]::SetEnvironmentVariable('UPSTARTPS_SOCKET', $null)

    if (-not (Get-Module UpstartPS)) { Import-Module (Get-UpstartTestModulePath) -Force -Global }
    $hostPath = Get-UpstartTestHostPath
    if (-not (Test-Path $hostPath)) { throw "The daemon is not built: $hostPath (run ./build.ps1 -Task Build)." }
    # After the module: the fixture binds to the UpstartPS.Protocol the module has loaded.
    if (-not ('UpstartPS.TestSupport.DaemonFixture' -as [type])) { Add-Type -LiteralPath (Get-UpstartTestSupportPath) }

    $fixture = [UpstartPS.TestSupport.DaemonFixture]::Create($false, [string[]]@())
    $fixture.Program = $hostPath
    $fixture.ConfDir = $JobDirectory
    $fixture.SocketPath = Join-Path $runtime 'upstartps/control.sock'
    $fixture.ReadyByNotify = $ReadyByNotify.IsPresent
    $hostJson = @{ reloadDebounceMilliseconds = $ReloadDebounceMilliseconds }
    if ($ControlIdleTimeoutSeconds -gt 0) { $hostJson.controlIdleTimeoutSeconds = $ControlIdleTimeoutSeconds }
    $hostJson | ConvertTo-Json | Set-Content -LiteralPath $fixture.SettingsPath
    try {
        # $null =: PowerShell binds GetResult to the task's runtime type, so both would return something (the
        # daemon's Process, a VoidTaskResult) and make this function's output an array of three.
        $null = $fixture.StartAsync([Threading.CancellationToken]::None).GetAwaiter().GetResult()
        # The tests make their own connections (and one counts the daemon's idle closes): the fixture keeps none.
        $null = $fixture.DisconnectAsync().GetAwaiter().GetResult()
    }
    catch {
        $null = $fixture.DisposeAsync().AsTask().GetAwaiter().GetResult()
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        throw
    }
    $env:UPSTARTPS_SOCKET = $fixture.SocketPath

    [pscustomobject]@{
        Fixture      = $fixture
        Process      = Get-Process -Id $fixture.DaemonPid
        Socket       = $fixture.SocketPath
        Runtime      = $runtime
        LogDirectory = $fixture.LogDir
        JobDirectory = $JobDirectory
        Saved        = $saved
        State        = $StateDirectory
        Stopped      = $false
    }
}

function Stop-UpstartTestDaemon {
    # SIGTERM lets the daemon stop its jobs (pre-stop, kill timeout); the fixture then checks that no process
    # and no job cgroup of it is left, and throws (failing the AfterAll) if one was.
    param($Daemon)
    if (-not $Daemon -or $Daemon.Stopped) { return }
    # Marked on the object, not by clearing a variable: an It that stops the daemon cannot clear its Describe's.
    $Daemon.Stopped = $true
    try {
        $null = $Daemon.Fixture.DisposeAsync().AsTask().GetAwaiter().GetResult()
    }
    finally {
        foreach ($name in $Daemon.Saved.Keys) { [Environment]::SetEnvironmentVariable($name, $Daemon.Saved[$name]) }
        Remove-Item -LiteralPath $Daemon.Runtime, $Daemon.State -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Stop-UpstartTestSession {
    # A Describe's AfterAll: stops the test daemon's jobs through the module (as a user would), then the daemon,
    # and unloads the module. The jobs are stopped only while the test daemon is up: without it (BeforeAll
    # failed, or an It stopped it) $env:UPSTARTPS_SOCKET is back to what it was, and as root the module would
    # reach the system daemon and stop its jobs.
    param($Daemon)
    if ($Daemon -and -not $Daemon.Stopped) {
        Get-UpstartJob | Where-Object Goal -eq 'start' | Stop-UpstartJob -Timeout 20 -ErrorAction SilentlyContinue
    }
    Stop-UpstartTestDaemon $Daemon
    Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
}

function Receive-UpstartTestJob {
    # Receive-Job -Wait with a bound: a job that never ends fails its test in seconds instead of hanging the run.
    param([Parameter(Mandatory)] $Job, [int] $TimeoutSeconds = 30)
    $finished = Wait-Job -Job $Job -Timeout $TimeoutSeconds
    if (-not $finished) {
        Stop-Job -Job $Job
        Remove-Job -Job $Job -Force
        throw "Background job '$($Job.Name)' did not finish within $TimeoutSeconds s."
    }
    Receive-Job -Job $Job -Wait -AutoRemoveJob
}

function Test-UpstartTestJobPending {
    # A thread job that has not started yet is still coming: only Completed/Failed/Stopped mean it is over.
    param([Parameter(Mandatory)] $Job)
    $Job.State -in 'NotStarted', 'Running'
}

function Get-UpstartTestPwshPath {
    # The pwsh running the suites: under the dotnet tool, [Environment]::ProcessPath is `dotnet` itself.
    $candidate = Join-Path $PSHOME 'pwsh'
    if (Test-Path -LiteralPath $candidate) { return $candidate }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}

function Wait-UpstartTestCondition {
    # Polls a script block until it returns $true (for things with no event to wait on, like a log line appearing).
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSeconds = 10)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Condition not met within $TimeoutSeconds s: $Condition" }
        Start-Sleep -Milliseconds 100
    }
}

function Register-UpstartShouldOperator {
    # `Get-UpstartJob web | Should -BeInState running`: every job piped in must be in that state.
    $test = {
        param($ActualValue, [switch] $Negate, $ExpectedValue)
        $jobs = @($ActualValue)
        $inState = $jobs.Count -gt 0 -and @($jobs | Where-Object { $_.State -ne $ExpectedValue }).Count -eq 0
        $succeeded = if ($Negate) { -not $inState } else { $inState }
        $states = ($jobs | ForEach-Object { "$($_.Name)=$($_.State)" }) -join ', '
        [pscustomobject]@{
            Succeeded      = $succeeded
            FailureMessage = if ($Negate) { "Expected no job in state '$ExpectedValue', got: $states" } else { "Expected every job in state '$ExpectedValue', got: $states" }
        }
    }
    try { Add-ShouldOperator -Name BeInState -Test $test -ErrorAction Stop } catch { Write-Verbose "BeInState already registered: $_" }
}
