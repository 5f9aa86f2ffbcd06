# The build tasks for what ships: the NativeAOT binaries, the Debian package and the module's
# PowerShell resource package (see packaging/INSTALL.md). Dot-sourced by build.ps1, whose $Root, $OutDir,
# $NativeOut, $ModuleOut, $ModuleRepository, $Configuration, Invoke-Native, Invoke-Package and
# Invoke-PesterPath they use.

$DebSource = Join-Path $Root 'packaging/deb'
$IntegrationTestProject = Join-Path $Root 'tests/UpstartHost.IntegrationTests/UpstartHost.IntegrationTests.csproj'

function Get-ProjectVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    @($props.Project.PropertyGroup | ForEach-Object { $_.Version } | Where-Object { $_ })[0]
}

$script:NativePublished = $false

function Invoke-PublishNative {
    # The plain command a user types (the linux-x64 profile gives the same build into artifacts/).
    # Once per build.ps1 run: `-Task TestNative, TestDeb` publishes once.
    if ($script:NativePublished) { return }
    if (Test-Path $NativeOut) { Remove-Item $NativeOut -Recurse -Force }
    foreach ($project in 'src/UpstartHost', 'src/UpstartCtl') {
        $null = Invoke-Native dotnet @('publish', (Join-Path $Root $project), '-c', 'Release', '-r', 'linux-x64', '-warnaserror', '-o', $NativeOut)
    }

    $expected = @('libupstart-spawn.so', 'upstart-exec', 'upstart-host', 'upstartctl')
    $found = @(Get-ChildItem $NativeOut | ForEach-Object Name | Sort-Object)
    if (Compare-Object $expected $found) {
        throw "out/native must hold exactly $($expected -join ', ') (single native binaries); it holds $($found -join ', ')"
    }
    foreach ($file in Get-ChildItem $NativeOut) {
        Write-Host ('{0,-14} {1,8:N2} MiB' -f $file.Name, ($file.Length / 1MB))
    }
    $script:NativePublished = $true
}

function Invoke-NativeTests {
    Invoke-PublishNative | Out-Null
    $null = Invoke-Native dotnet @('build', $IntegrationTestProject, '-c', $Configuration, '-warnaserror')
    # DaemonFixture runs the daemon and upstartctl from here instead of the JIT builds beside the tests.
    $results = Join-Path $OutDir 'xunit-native'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $env:UPSTARTPS_BIN_DIR = $NativeOut
    try {
        $code = Invoke-Native dotnet @('test', $IntegrationTestProject, '-c', $Configuration, '--no-build',
            '--results-directory', $results, '--logger', 'trx') -AllowFailure
    }
    finally {
        Remove-Item Env:UPSTARTPS_BIN_DIR -ErrorAction SilentlyContinue
    }
    $files = @(Get-ChildItem -LiteralPath $results -Filter *.trx -ErrorAction SilentlyContinue)
    Add-TrxCounts $files
    if ($files.Count -eq 0) { $script:Counts.Failed += 1 }
    Write-Host "native integration tests: dotnet test exited with $code"
    $code -eq 0 -and $files.Count -gt 0
}

function Get-DebPath {
    Join-Path $OutDir "upstartps_$(Get-ProjectVersion)_amd64.deb"
}

function New-ManPage {
    param([string] $Doc, [string] $Name, [string] $Destination, [string[]] $ExcludeSection = @())
    $roff = & (Join-Path $Root 'packaging/man/ConvertTo-ManPage.ps1') -Path (Join-Path $Root $Doc) -Name $Name -Section 8 -Version (Get-ProjectVersion) -ExcludeSection $ExcludeSection
    $page = Join-Path $Destination "$Name.8"
    [System.IO.File]::WriteAllText($page, $roff)
    # -n: no name or time stamp in the gzip header, so the package is reproducible.
    $null = Invoke-Native gzip @('-9nf', $page)
}

function Invoke-Deb {
    Invoke-PublishNative
    $version = Get-ProjectVersion
    $stage = Join-Path $OutDir 'deb/upstartps'
    if (Test-Path (Join-Path $OutDir 'deb')) { Remove-Item (Join-Path $OutDir 'deb') -Recurse -Force }

    $lib = Join-Path $stage 'usr/lib/upstartps'
    $sbin = Join-Path $stage 'usr/sbin'
    $unitDir = Join-Path $stage 'usr/lib/systemd/system'
    $man = Join-Path $stage 'usr/share/man/man8'
    $doc = Join-Path $stage 'usr/share/doc/upstartps'
    $control = Join-Path $stage 'DEBIAN'
    $logrotate = Join-Path $stage 'etc/logrotate.d'
    foreach ($dir in $lib, $sbin, $unitDir, $man, "$doc/examples/init", (Join-Path $stage 'etc/init'), $logrotate, $control) {
        New-Item -ItemType Directory -Force -Path $dir | Out-Null
    }

    # The exec helper and the spawn library must sit beside the daemon's real path
    # (ProcessLayer.DefaultHelperPath); the names in /usr/sbin are symlinks to it.
    foreach ($name in 'upstart-host', 'upstart-exec', 'libupstart-spawn.so', 'upstartctl') {
        Copy-Item (Join-Path $NativeOut $name) $lib
    }
    $null = Invoke-Native ln @('-s', '../lib/upstartps/upstart-host', (Join-Path $sbin 'upstart-host'))
    $null = Invoke-Native ln @('-s', '../lib/upstartps/upstartctl', (Join-Path $sbin 'upstartctl'))
    Copy-Item (Join-Path $DebSource 'upstartps-initctl-names') $sbin
    Copy-Item (Join-Path $Root 'packaging/upstartps.service') $unitDir
    # Without it nothing rotates /var/log/upstart on a host that never had Upstart's package.
    Copy-Item (Join-Path $DebSource 'upstartps.logrotate') (Join-Path $logrotate 'upstartps')

    New-ManPage -Doc 'docs/daemon.md' -Name 'upstart-host' -Destination $man -ExcludeSection 'Try it*', 'Publishing', 'Performance*'
    New-ManPage -Doc 'docs/initctl.md' -Name 'upstartctl' -Destination $man

    Copy-Item (Join-Path $DebSource 'README.Debian'), (Join-Path $DebSource 'copyright') $doc
    Copy-Item (Join-Path $Root 'examples/init/*.conf') "$doc/examples/init"
    foreach ($script in 'postinst', 'prerm', 'postrm') {
        Copy-Item (Join-Path $DebSource $script) $control
    }
    # Files under /etc are the administrator's once installed: dpkg keeps their changes on upgrade.
    [System.IO.File]::WriteAllText((Join-Path $control 'conffiles'), "/etc/logrotate.d/upstartps`n")

    # Debian's modes: programs and maintainer scripts 0755, everything else 0644, directories 0755.
    $null = Invoke-Native find @($stage, '-type', 'd', '-exec', 'chmod', '0755', '{}', '+')
    $null = Invoke-Native find @($stage, '-type', 'f', '-exec', 'chmod', '0644', '{}', '+')
    # libupstart-spawn.so is a shared object, loaded, not run: 0644 like any library.
    $null = Invoke-Native chmod @('0755', "$lib/upstart-host", "$lib/upstart-exec", "$lib/upstartctl", "$sbin/upstartps-initctl-names",
        "$control/postinst", "$control/prerm", "$control/postrm")

    $depends = Get-SharedLibraryDepends -Binaries @("$lib/upstart-host", "$lib/upstart-exec", "$lib/libupstart-spawn.so", "$lib/upstartctl")
    $installedKiB = [long](((& du -sk --exclude=DEBIAN $stage) -split '\s+')[0])
    $text = (Get-Content -Raw (Join-Path $DebSource 'control.in')).
        Replace('@VERSION@', $version).
        Replace('@DEPENDS@', $depends).
        Replace('@INSTALLED_SIZE@', "$installedKiB")
    [System.IO.File]::WriteAllText((Join-Path $control 'control'), $text)
    $null = Invoke-Native chmod @('0644', (Join-Path $control 'control'))

    $deb = Get-DebPath
    # --root-owner-group: every file root:root without fakeroot (dpkg-deb >= 1.19).
    $null = Invoke-Native dpkg-deb @('--root-owner-group', '-Zxz', '--build', $stage, $deb)
    Write-Host "Built $deb ($('{0:N2}' -f ((Get-Item $deb).Length / 1MB)) MiB)"
}

function Get-SharedLibraryDepends {
    # dpkg-shlibdeps (dpkg-dev) reads the ELF binaries and names the Debian packages of their libraries
    # with the lowest versions the binaries need. It wants a debian/control beside it.
    param([string[]] $Binaries)
    $work = Join-Path $OutDir 'deb/shlibdeps'
    New-Item -ItemType Directory -Force -Path (Join-Path $work 'debian') | Out-Null
    [System.IO.File]::WriteAllText((Join-Path $work 'debian/control'), "Source: upstartps`n`nPackage: upstartps`nArchitecture: amd64`n")
    Push-Location $work
    try {
        $arguments = @('-O') + @($Binaries | ForEach-Object { "-e$_" })
        $line = & dpkg-shlibdeps @arguments
        if ($LASTEXITCODE -ne 0) { throw "dpkg-shlibdeps exited with code $LASTEXITCODE (is dpkg-dev installed?)" }
    }
    finally {
        Pop-Location
    }
    $depends = @($line) | Where-Object { $_ -like 'shlibs:Depends=*' } | ForEach-Object { $_.Substring('shlibs:Depends='.Length) }
    if (-not $depends) { throw "dpkg-shlibdeps named no dependencies: $line" }
    $depends
}

function Invoke-DebTests {
    # Debian's packaging tools are not part of a bare build machine: without them the package tests are
    # skipped, saying why (.ci/run installs them, so CI always runs them).
    $missing = @('dpkg-deb', 'dpkg-shlibdeps', 'groff') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
    if ($missing) {
        Write-Host "Package tests skipped: $($missing -join ', ') not installed (apt-get install dpkg-dev groff-base)" -ForegroundColor Yellow
        $script:Counts.Skipped += 1
        return $true
    }

    Invoke-Deb | Out-Null
    $env:UPSTARTPS_DEB = Get-DebPath
    try {
        Invoke-PesterPath -Path (Join-Path $Root 'tests/Packaging') -ResultName 'packaging-results.xml'
    }
    finally {
        Remove-Item Env:UPSTARTPS_DEB -ErrorAction SilentlyContinue
    }
}

function Invoke-PublishModule {
    Invoke-Package
    $package = & (Join-Path $Root 'packaging/Publish-ModulePackage.ps1') -ModulePath $ModuleOut -RepositoryPath $ModuleRepository
    Write-Host "Published $package"
}
