#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, packages and runs UpstartPS.

.DESCRIPTION
    Run it in the pinned PowerShell: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test`.
    Tasks (run in the order given):
      Build    dotnet build of the solution (warnings are errors).
      Test     every xunit project (dotnet test UpstartPS.sln), every Pester suite, the real-daemon
               tests against the NativeAOT binaries and the .deb tests, and one closing line
               `tests: N passed, N failed, N skipped` over all of them; fails if anything failed.
      Xunit    the xunit projects only.
      Pester   the Pester 5 suites in tests/Pester only, against the packaged module and a real
               session daemon. Pester 5.9.1 comes from the NuGet feed (tests/Pester/Restore).
      Package  lays out out/UpstartPS/ (dll + dependencies + manifest + formats + en-US help),
               ready for Import-Module and Publish-PSResource.
      Run      starts a session daemon in the foreground on examples/init (Ctrl+C stops it).
      PublishNative  NativeAOT publish (the shipped build) of upstart-host (+ the exec helper) and
               upstartctl into out/native/ with `dotnet publish -c Release -r linux-x64`.
      TestNative     PublishNative, then the real-daemon integration tests against those binaries
               (UPSTARTPS_BIN_DIR=out/native).
      Deb      PublishNative, man pages from docs/, then out/upstartps_VERSION_amd64.deb (dpkg-deb).
      TestDeb  Deb, then tests/Packaging (contents, control data, the daemon and CLI run from the
               extracted package).
      PublishModule  Package, then Publish-PSResource of out/UpstartPS to the file repository
               out/psrepo/ (the nupkg people install with Install-PSResource).
      Fuzz     the fuzz tests (xunit trait Category=Fuzz) at full size: 200,000 job files and 100,000
               protocol frames (override with $env:UPSTARTPS_FUZZ_JOBFILES / UPSTARTPS_FUZZ_FRAMES,
               seed with UPSTARTPS_FUZZ_SEED); the ordinary test run has them at a quick size.
    Test also runs TestNative and TestDeb, so one command checks the shipped build.
    Results: out/xunit/*.trx, out/xunit-native/*.trx, out/pester-results.xml, out/packaging-results.xml.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Package, Pester
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Xunit', 'Pester', 'Package', 'Run', 'PublishNative', 'TestNative', 'Deb', 'TestDeb', 'PublishModule', 'Fuzz')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleOut = Join-Path $OutDir 'UpstartPS'
$HostProject = Join-Path $Root 'src/UpstartHost/UpstartHost.csproj'
$ModuleProject = Join-Path $Root 'src/UpstartPS/UpstartPS.csproj'
$PesterRestoreProject = Join-Path $Root 'tests/Pester/Restore/Pester.Restore.csproj'
$TestSupportProject = Join-Path $Root 'tests/UpstartPS.TestSupport/UpstartPS.TestSupport.csproj'
$PesterVersion = '5.9.1'

# Each test task adds its counts here; Test prints the sum as its closing line.
$script:Counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
$NativeOut = Join-Path $OutDir 'native'
$ModuleRepository = Join-Path $OutDir 'psrepo'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments, [switch] $AllowFailure)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    # To the host, not the pipeline: callers use the return value, the exit code.
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) { throw "$Command exited with code $LASTEXITCODE" }
    $LASTEXITCODE
}

function Invoke-SolutionBuild {
    $null = Invoke-Native dotnet @('build', (Join-Path $Root 'UpstartPS.sln'), '-c', $Configuration, '-warnaserror')
}

function Invoke-Package {
    # LayOutModule (UpstartPS.csproj) copies exactly the module's files after the build.
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = Invoke-Native dotnet @('build', $ModuleProject, '-c', $Configuration, '-warnaserror', "-p:ModuleLayoutDir=$ModuleOut/")
    $manifest = Test-ModuleManifest -Path (Join-Path $ModuleOut 'UpstartPS.psd1')
    Write-Host "Packaged $($manifest.Name) $($manifest.Version) in $ModuleOut"
}

function Get-HostPath {
    Join-Path $Root "src/UpstartHost/bin/$Configuration/net10.0/upstart-host"
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = (& dotnet nuget locals global-packages --list) -join "`n"
    if ($LASTEXITCODE -ne 0 -or $line -notmatch 'global-packages:\s*(\S.*)') { throw "Could not ask dotnet where NuGet keeps packages: $line" }
    $Matches[1].Trim()
}

function Import-Pester5 {
    # Pester is a NuGet package on the same feed as everything else: restoring a tiny project fetches
    # it into the global packages folder, with the module under tools/. No gallery, no Install-Module.
    $manifest = Join-Path (Get-NuGetPackagesFolder) "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        $code = Invoke-Native dotnet @('restore', $PesterRestoreProject) -AllowFailure
        if ($code -ne 0 -or -not (Test-Path -LiteralPath $manifest)) {
            throw "Pester $PesterVersion is needed for the Pester suites and could not be restored from the NuGet feed (dotnet restore $PesterRestoreProject exited with $code; expected $manifest)."
        }
    }
    Import-Module $manifest -Force -RequiredVersion $PesterVersion
}

function Invoke-PesterSuites {
    # This script's StrictMode would reach into every test scope; the suites run as users run the module.
    Set-StrictMode -Off
    Invoke-Package
    # The real-daemon fixture the suites start the daemon through; building it builds the daemon too.
    $null = Invoke-Native dotnet @('build', $TestSupportProject, '-c', $Configuration, '-warnaserror')

    # The suites read these to find what they test (tests/Pester/Common.ps1).
    $env:UPSTARTPS_MODULE = Join-Path $ModuleOut 'UpstartPS.psd1'
    $env:UPSTARTPS_HOST = Get-HostPath
    $env:UPSTARTPS_TEST_SUPPORT = Join-Path $Root "tests/UpstartPS.TestSupport/bin/$Configuration/net10.0/UpstartPS.TestSupport.dll"

    Invoke-PesterPath -Path (Join-Path $Root 'tests/Pester') -ResultName 'pester-results.xml'
}

function Invoke-PesterPath {
    # One Pester run over a folder: NUnit XML under out/, its counts added to the closing line.
    param([string] $Path, [string] $ResultName)
    Import-Pester5
    $config = New-PesterConfiguration
    $config.Run.Path = $Path
    $config.Run.Exit = $false
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    # Colour codes only on a terminal: CI keeps the log as plain text.
    if ($env:CI -or [Console]::IsOutputRedirected) { $config.Output.RenderMode = 'Plaintext' }
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = Join-Path $OutDir $ResultName
    $result = Invoke-Pester -Configuration $config
    Write-Host "Pester ($Path): $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
    $script:Counts.Passed += $result.PassedCount
    # A failed BeforeAll already fails its tests; a file that fails discovery has none: count it as one.
    $script:Counts.Failed += $result.FailedCount + $result.FailedContainersCount
    $script:Counts.Skipped += $result.SkippedCount
    $result.Result -eq 'Passed'
}

function Invoke-XunitProjects {
    # One TRX per test project under out/xunit; the counts come from them, not from console text.
    $results = Join-Path $OutDir 'xunit'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $code = Invoke-Native dotnet @('test', (Join-Path $Root 'UpstartPS.sln'), '-c', $Configuration,
        '--results-directory', $results, '--logger', 'trx') -AllowFailure
    $files = @(Get-ChildItem -LiteralPath $results -Filter *.trx -ErrorAction SilentlyContinue)
    Add-TrxCounts $files
    # Every test project must have reported: one that crashed before writing results would otherwise vanish.
    $projects = @(Get-ChildItem -LiteralPath (Join-Path $Root 'tests') -Filter *Tests.csproj -Recurse -File)
    if ($files.Count -lt $projects.Count) {
        Write-Host "xunit: $($projects.Count) test projects but $($files.Count) result files" -ForegroundColor Red
        $script:Counts.Failed += $projects.Count - $files.Count
        $code = if ($code -eq 0) { 1 } else { $code }
    }
    if ($code -ne 0 -and $script:Counts.Failed -eq 0) {
        # dotnet test failed before any test could (a build error, a crashed host): still a failure.
        $script:Counts.Failed += 1
    }
    Write-Host "xunit: $($files.Count) projects; dotnet test exited with $code"
    $code -eq 0
}

function Add-TrxCounts {
    param([System.IO.FileInfo[]] $Files)
    foreach ($file in $Files) {
        $counters = ([xml](Get-Content -LiteralPath $file.FullName -Raw)).TestRun.ResultSummary.Counters
        $script:Counts.Passed += [int]$counters.passed
        $script:Counts.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        # A skipped xunit test is neither executed nor counted as notExecuted in the TRX.
        $script:Counts.Skipped += [int]$counters.total - [int]$counters.executed
    }
}

function Invoke-AllTests {
    $xunitPassed = Invoke-XunitProjects
    $pesterPassed = Invoke-PesterSuites
    # The shipped build too: the real-daemon tests against the NativeAOT binaries, and the .deb.
    $nativePassed = Invoke-NativeTests
    $debPassed = Invoke-DebTests
    # The closing line CI and the README refer to: xunit and Pester counted together.
    Write-Host "tests: $($script:Counts.Passed) passed, $($script:Counts.Failed) failed, $($script:Counts.Skipped) skipped"
    if (-not ($xunitPassed -and $pesterPassed -and $nativePassed -and $debPassed) -or $script:Counts.Failed -gt 0) { throw 'Tests failed.' }
}

function Invoke-Fuzz {
    # Full-size fuzz runs; the figures each test prints are what docs/protocol.md and docs/job-files.md quote.
    $sizes = @{ UPSTARTPS_FUZZ_JOBFILES = '200000'; UPSTARTPS_FUZZ_FRAMES = '100000' }
    foreach ($name in $sizes.Keys) {
        if (-not [Environment]::GetEnvironmentVariable($name)) { [Environment]::SetEnvironmentVariable($name, $sizes[$name]) }
    }
    $passed = $true
    foreach ($project in 'tests/Upstart.JobFiles.Tests/Upstart.JobFiles.Tests.csproj', 'tests/UpstartPS.Protocol.Tests/UpstartPS.Protocol.Tests.csproj') {
        $code = Invoke-Native dotnet @('test', (Join-Path $Root $project), '-c', $Configuration, '--filter', 'Category=Fuzz',
            '--logger', 'console;verbosity=detailed') -AllowFailure
        $passed = $passed -and $code -eq 0
    }
    $passed
}

function Invoke-Run {
    $null = Invoke-Native dotnet @('build', $HostProject, '-c', $Configuration, '-warnaserror')
    $examples = Join-Path $Root 'examples/init'
    Write-Host "Session daemon on $examples; in another pwsh: Import-Module $ModuleOut/UpstartPS.psd1; Get-UpstartJob"
    $null = Invoke-Native (Get-HostPath) @('--session', '--confdir', $examples)
}

. (Join-Path $Root 'packaging/Shipping.ps1')

foreach ($step in $Task) {
    Write-Host "== $step" -ForegroundColor Cyan
    switch ($step) {
        'Build' { Invoke-SolutionBuild }
        'Test' { Invoke-AllTests }
        'Xunit' { if (-not (Invoke-XunitProjects)) { throw 'xunit tests failed.' } }
        'Pester' { if (-not (Invoke-PesterSuites)) { throw 'Pester suites failed.' } }
        'Package' { Invoke-Package }
        'Run' { Invoke-Run }
        'PublishNative' { Invoke-PublishNative }
        'TestNative' { if (-not (Invoke-NativeTests)) { throw 'Native integration tests failed.' } }
        'Deb' { Invoke-Deb }
        'TestDeb' { if (-not (Invoke-DebTests)) { throw 'Package tests failed.' } }
        'PublishModule' { Invoke-PublishModule }
        'Fuzz' { if (-not (Invoke-Fuzz)) { throw 'Fuzz tests failed.' } }
    }
}
