"""SdkType: the platforms GetSdk generates client SDKs for, a fixed list as AWS answers."""

from __future__ import annotations

from typing import Any

from mockgw.apigateway.common import copy_out, paginate
from mockgw.apigateway.registry import operation
from mockgw.errors import NotFoundException
from mockgw.operations import Call


def _property(name: str, friendly: str, description: str = "",
              required: bool = False) -> dict:
    return {"name": name, "friendlyName": friendly, "description": description,
            "required": required}


SDK_TYPES: list[dict] = [
    {"id": "javascript", "friendlyName": "JavaScript", "description": "",
     "configurationProperties": []},
    {"id": "android", "friendlyName": "Android", "description": "",
     "configurationProperties": [
         _property("groupId", "Group ID", required=True),
         _property("invokerPackage", "Invoker package", required=True),
         _property("artifactId", "Artifact ID", required=True),
         _property("artifactVersion", "Artifact version", required=True),
     ]},
    {"id": "objectivec", "friendlyName": "iOS (Objective-C)", "description": "",
     "configurationProperties": [_property("classPrefix", "Prefix", required=True)]},
    {"id": "swift", "friendlyName": "iOS (Swift)", "description": "",
     "configurationProperties": [_property("classPrefix", "Prefix", required=True)]},
    {"id": "java", "friendlyName": "Java",
     "description": "Java SDK generator for API Gateway APIs",
     "configurationProperties": [
         _property("service.name", "Service Name",
                   "Name of the service which is used to derive the Java interface name "
                   "for your client", required=True),
         _property("java.package-name", "Java Package Name",
                   "Name of the Java package your code will be generated under",
                   required=True),
         _property("java.build-system", "Java Build System",
                   "Build system to setup for project; Currently supported: maven, gradle"),
         _property("java.group-id", "Java Group Id",
                   "Group id for your Maven or Gradle project. Defaults to package name"),
         _property("java.artifact-id", "Java Artifact Id",
                   "Artifact Id for your Maven project or project name for your Gradle "
                   "project. Defaults to service name"),
         _property("java.artifact-version", "Java Artifact Version",
                   "Version of your Maven or Gradle project. Defaults to 1.0-SNAPSHOT"),
         _property("java.license-text", "Source Code License Text",
                   "Customer provided license to inject into source file headers"),
     ]},
    {"id": "ruby", "friendlyName": "Ruby",
     "description": "Ruby SDK generator for API Gateway APIs",
     "configurationProperties": [
         _property("service.name", "Service Name",
                   "Name of the service which is used to derive the name for your client",
                   required=True),
         _property("ruby.gem-name", "Ruby Gem Name",
                   "Name of the Ruby gem your code will be generated under"),
         _property("ruby.gem-version", "Ruby Gem Version",
                   "Version number for your service gem. Defaults to 1.0.0"),
     ]},
]


@operation("GetSdkTypes")
def get_sdk_types(call: Call, params: dict[str, Any]) -> dict:
    return paginate(copy_out(SDK_TYPES), params)


@operation("GetSdkType")
def get_sdk_type(call: Call, params: dict[str, Any]) -> dict:
    found = next((t for t in SDK_TYPES if t["id"] == params["id"]), None)
    if found is None:
        raise NotFoundException(f"Invalid SDK type specified: {params['id']}")
    return copy_out(found)
