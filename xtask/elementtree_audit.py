#!/usr/bin/env python3
"""The backup audit of a published topology in plain Python with xml.etree.ElementTree.

The baseline of the speed target in issue 2: `lyncpair audit --format json` must be at least 10x
faster than this script on the same file. `cargo xtask bench` times both, then runs
`--compare` to check that they read the same pools and found the same backup flaws, so that the
two do the same work.

    python3 xtask/elementtree_audit.py TOPOLOGY.xml          # prints JSON
    python3 xtask/elementtree_audit.py --compare LYNCPAIR.json PYTHON.json

What it does, as lyncpair does (FORMATS.md §9): sites with their <Name>; clusters; SQL instances;
services with dependencies, placement and RegistrarService/@IsDirector, matched on namespace URI
and local name; a pool is a cluster that hosts services, its role from the services on it (D4),
its backup from the `Backup` element of its Registrar (the pool of the Registrar it names, D1;
dependencies are never backups); FQDNs lowercased (D7). Then
backup-many-to-one, backup-not-reciprocal and backup-missing among front-end pools.
"""

import json
import sys
import xml.etree.ElementTree as ET

T = "{urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008}"
SR = "{urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008}"


def fqdn(raw):
    return raw.strip().rstrip(".").lower()


def service_key(service_id):
    return "%s-%s-%s" % (
        service_id.get("SiteId", ""),
        service_id.get("RoleName", ""),
        service_id.get("Instance", ""),
    )


def cluster_key(cluster_id):
    return "%s:%s" % (cluster_id.get("SiteId", ""), cluster_id.get("Number", ""))


def read(path):
    """One streaming pass: each site, cluster, SQL instance and service is read when it ends."""
    sites = {}  # site id -> name
    clusters = {}  # cluster key -> (fqdn, site id)
    cluster_order = []
    sql_cluster = {}  # "cluster key/instance name" -> cluster key
    services = {}  # service key -> dict
    service_order = []
    for _, elem in ET.iterparse(path, events=("end",)):
        tag = elem.tag
        if tag == T + "CentralSite" or tag == T + "BranchSite":
            name = (elem.findtext(T + "Name") or "").strip()
            site_id = elem.get("SiteId", "")
            sites[site_id] = name or "Site " + site_id
            elem.clear()
        elif tag == T + "Cluster":
            cid = elem.find(T + "ClusterId")
            key = cluster_key(cid) if cid is not None else ""
            clusters[key] = (fqdn(elem.get("Fqdn", "")), cid.get("SiteId", "") if cid is not None else "")
            cluster_order.append(key)
            elem.clear()
        elif tag == T + "SqlInstance":
            sid = elem.find(T + "SqlInstanceId")
            if sid is not None:
                cid = sid.find(T + "ClusterId")
                if cid is not None:
                    sql_cluster[cluster_key(cid) + "/" + sid.get("Name", "")] = cluster_key(cid)
            elem.clear()
        elif tag == T + "Service":
            sid = elem.find(T + "ServiceId")
            if sid is None:
                elem.clear()
                continue
            deps = []
            for dep in elem.iterfind(T + "DependsOn/" + T + "Dependency"):
                target = dep.find(T + "ServiceId")
                if target is not None:
                    deps.append((service_key(target), target.get("RoleName", "")))
            placement = None
            installed = elem.find(T + "InstalledOn")
            if installed is not None:
                cid = installed.find(T + "ClusterId")
                sql = installed.find(T + "SqlInstanceId")
                if cid is not None:
                    placement = ("cluster", cluster_key(cid))
                elif sql is not None and sql.find(T + "ClusterId") is not None:
                    placement = ("sql", cluster_key(sql.find(T + "ClusterId")) + "/" + sql.get("Name", ""))
            backup = elem.find(T + "Backup")
            backup_target = None
            if backup is not None and backup.find(T + "ServiceId") is not None:
                backup_target = service_key(backup.find(T + "ServiceId"))
            registrar = elem.find(SR + "RegistrarService")
            director = registrar is not None and registrar.get("IsDirector", "").strip().lower() in ("true", "1")
            key = service_key(sid)
            services[key] = {
                "role": sid.get("RoleName", ""),
                "placement": placement,
                "deps": deps,
                "backup": backup_target,
                "director": director,
            }
            service_order.append(key)
            elem.clear()
    return sites, clusters, cluster_order, sql_cluster, services, service_order


def audit(path):
    sites, clusters, cluster_order, sql_cluster, services, service_order = read(path)

    def cluster_of(service):
        placement = service["placement"]
        if placement is None:
            return None
        kind, key = placement
        return key if kind == "cluster" else sql_cluster.get(key)

    on_cluster = {}
    for key in service_order:
        s = services[key]
        placement = s["placement"]
        if placement is not None and placement[0] == "cluster" and placement[1] in clusters:
            on_cluster.setdefault(placement[1], []).append(s)

    pools = {}
    for key in cluster_order:
        svcs = on_cluster.get(key)
        if not svcs:
            continue
        name, site_id = clusters[key]
        if not name:
            continue
        roles = [s["role"] for s in svcs]
        registrar = next((s for s in svcs if s["role"] == "Registrar"), None)
        if registrar is not None:
            if registrar["director"]:
                role = "director"
            elif "UserServices" in roles:
                role = "front-end"
            else:
                role = "branch"
        elif "EdgeServer" in roles:
            role = "edge"
        elif "MediationServer" in roles and all(r in ("MediationServer", "ManagementServices") for r in roles):
            role = "mediation"
        else:
            role = "other"

        # D1: the Backup element of the pool's Registrar; dependencies are never backups.
        backups = []
        if registrar is not None and registrar["backup"] is not None:
            target_key = registrar["backup"]
            target = services.get(target_key)
            target_cluster = cluster_of(target) if target is not None else None
            target_fqdn = clusters[target_cluster][0] if target_cluster in clusters else None
            backups.append(target_fqdn or target_key)
        pools[name] = {"fqdn": name, "site": sites.get(site_id), "role": role, "backups": backups}

    findings = []
    named_by = {}
    for p in pools.values():
        if p["role"] == "front-end" and not p["backups"]:
            findings.append({"code": "backup-missing", "pools": [p["fqdn"]]})
        for target in p["backups"]:
            q = pools.get(target)
            if target == p["fqdn"] or q is None or p["role"] != "front-end" or q["role"] != "front-end":
                continue
            named_by.setdefault(q["fqdn"], set()).add(p["fqdn"])
            if p["fqdn"] not in q["backups"]:
                findings.append({"code": "backup-not-reciprocal", "pools": [p["fqdn"], q["fqdn"]]})
    for hub, namers in named_by.items():
        if len(namers) > 1:
            findings.append({"code": "backup-many-to-one", "pools": [hub] + sorted(namers)})

    listed = sorted(pools.values(), key=lambda p: (p["site"] is None, p["site"] or "", p["fqdn"]))
    return {
        "pools": [
            {"fqdn": p["fqdn"], "site": p["site"], "role": p["role"], "backup": (p["backups"] or [None])[0]}
            for p in listed
        ],
        "findings": sorted(findings, key=lambda f: (f["code"], f["pools"])),
    }


CODES = ("backup-many-to-one", "backup-not-reciprocal", "backup-missing")


def compare(lyncpair_path, python_path):
    """Exit 1 unless lyncpair's audit/v1 JSON and this script's JSON agree on pools and findings."""
    with open(lyncpair_path, encoding="utf-8") as f:
        ours = json.load(f)
    with open(python_path, encoding="utf-8") as f:
        theirs = json.load(f)
    estate = ours["estates"][0]
    pools = [{k: p[k] for k in ("fqdn", "site", "role", "backup")} for p in estate["pools"]]
    findings = sorted(
        ({"code": f["code"], "pools": f["pools"]} for f in estate["findings"] if f["code"] in CODES),
        key=lambda f: (f["code"], f["pools"]),
    )
    problems = []
    if pools != theirs["pools"]:
        problems.append("pools differ: lyncpair %d, Python %d" % (len(pools), len(theirs["pools"])))
    if findings != theirs["findings"]:
        problems.append(
            "backup findings differ: lyncpair %d, Python %d" % (len(findings), len(theirs["findings"]))
        )
    if problems:
        print("; ".join(problems), file=sys.stderr)
        return 1
    counts = {c: sum(1 for f in findings if f["code"] == c) for c in CODES}
    print("same %d pools and backup findings %s" % (len(pools), json.dumps(counts)))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--compare":
        return compare(argv[2], argv[3])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(audit(argv[1]), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
